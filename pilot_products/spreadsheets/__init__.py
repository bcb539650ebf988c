"""Spreadsheet import and export, the same for the admin, the command line and portal.

- ``reading``: file checks (size, type, zip and XML bombs, encodings) and parsing.
- ``cells``: strict cell parsers with messages that say how to fix Excel's habits.
- ``columns``/``specs``: the columns of each resource, headers in English or Chinese.
- ``engine``: validate every row, write all or nothing in batches with history.
- ``exporting``/``workbooks``: streamed exports, templates, rejected-row workbooks,
  all with formula escaping.
"""
