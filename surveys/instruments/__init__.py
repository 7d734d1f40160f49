"""Survey instruments: the versioned bilingual TOML files in this folder, their validation
(``instrument``) and the instrument report with reliability (``report``).
"""
