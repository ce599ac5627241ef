"""The scholarly apparatus of the whole reader: the name knowledge both name readers
share (names), reference lists -> entries (references), the merged bibliography
(bibliography), APA formatting (cite_format), in-text citations (citations), the
glossary and the chronology.
"""
