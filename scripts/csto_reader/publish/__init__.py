"""What readers get: the Markdown pages (render, pages, teaching, bibliography_page,
citing), the address manifest (addresses), the page checks (ids, csp), the PDFs and the
offline copy.
"""
