"""The search terms move onto the listing row (issue 13).

A search on PostgreSQL then reads one table: ``is_public AND terms @@ query ORDER BY
created_at DESC, id DESC LIMIT n``, served by partial GIN indexes over public
listings, instead of an id list from the document table joined back to the listings.
SQLite's FTS5 table now indexes the listing table's column, kept by triggers.
"""

from django.db import migrations, models

LISTINGS = "pilot_products_listing"
DOCUMENTS = "pilot_products_listingsearchdocument"
FTS = "pilot_products_listing_fts"

#: PostgreSQL: each terms column as a stored tsvector (generated, so no write can
#: leave it behind; Django's model does not list it), with a GIN index over public
#: listings. Stored, not an index expression: a match, its recheck and the filter of
#: an index-ordered walk read the vector instead of building it from the text, and
#: ANALYZE keeps its word statistics (a partial index's expression gets none).
POSTGRESQL_FORWARD = [
    f"ALTER TABLE {LISTINGS} "
    "ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
    "(array_to_tsvector(string_to_array(search_terms, ' '))) STORED, "
    "ADD COLUMN search_title_vector tsvector GENERATED ALWAYS AS "
    "(array_to_tsvector(string_to_array(btrim(search_title_terms), ' '))) STORED",
    f"CREATE INDEX listing_public_terms_gin ON {LISTINGS} "
    "USING gin (search_vector) WHERE is_public",
    f"CREATE INDEX listing_public_title_terms_gin ON {LISTINGS} "
    "USING gin (search_title_vector) WHERE is_public",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS listing_public_title_terms_gin",
    "DROP INDEX IF EXISTS listing_public_terms_gin",
    f"ALTER TABLE {LISTINGS} DROP COLUMN IF EXISTS search_title_vector, "
    "DROP COLUMN IF EXISTS search_vector",
    f"CREATE INDEX listing_search_terms_gin ON {DOCUMENTS} "
    "USING gin (array_to_tsvector(string_to_array(terms, ' ')))",
]


def _sqlite_fts(table, key, column):
    """FTS5 over ``table.column`` (external content), kept by three triggers."""
    return [
        f"CREATE VIRTUAL TABLE {FTS} USING fts5({column}, content='{table}', "
        f"content_rowid='{key}', tokenize='unicode61 remove_diacritics 0')",
        f"CREATE TRIGGER {FTS}_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {FTS}(rowid, {column}) VALUES (new.{key}, new.{column}); END",
        f"CREATE TRIGGER {FTS}_delete AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, {column}) "
        f"VALUES ('delete', old.{key}, old.{column}); END",
        f"CREATE TRIGGER {FTS}_update AFTER UPDATE OF {column} ON {table} BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, {column}) "
        f"VALUES ('delete', old.{key}, old.{column}); "
        f"INSERT INTO {FTS}(rowid, {column}) VALUES (new.{key}, new.{column}); END",
        f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
    ]


SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS}_update",
    f"DROP TRIGGER IF EXISTS {FTS}_delete",
    f"DROP TRIGGER IF EXISTS {FTS}_insert",
    f"DROP TABLE IF EXISTS {FTS}",
]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def copy_terms_to_listings(apps, schema_editor):
    """Each listing takes the terms of its document (one statement)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"UPDATE {LISTINGS} AS listing SET search_terms = document.terms, "
            "search_title_terms = document.title_terms "
            f"FROM {DOCUMENTS} AS document WHERE document.listing_id = listing.id"
        )
    else:
        schema_editor.execute(
            f"UPDATE {LISTINGS} SET "
            f"search_terms = (SELECT terms FROM {DOCUMENTS} "
            f"WHERE listing_id = {LISTINGS}.id), "
            f"search_title_terms = (SELECT title_terms FROM {DOCUMENTS} "
            f"WHERE listing_id = {LISTINGS}.id) "
            f"WHERE id IN (SELECT listing_id FROM {DOCUMENTS})"
        )


def copy_terms_to_documents(apps, schema_editor):
    schema_editor.execute(
        f"INSERT INTO {DOCUMENTS} (listing_id, terms, title_terms) "
        f"SELECT id, search_terms, search_title_terms FROM {LISTINGS}"
    )


def move_search_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_FORWARD)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_DROP + _sqlite_fts(LISTINGS, "id", "search_terms"))


def restore_search_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_BACKWARD)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_DROP + _sqlite_fts(DOCUMENTS, "listing_id", "terms"))


class Migration(migrations.Migration):
    dependencies = [
        ("pilot_products", "0018_pilot_product_photo_size_bound"),
    ]

    operations = [
        migrations.AddField(
            model_name="listing",
            name="search_terms",
            field=models.TextField(
                db_default="", default="", editable=False, verbose_name="search terms"
            ),
        ),
        migrations.AddField(
            model_name="listing",
            name="search_title_terms",
            field=models.TextField(
                db_default="", default="", editable=False, verbose_name="title terms"
            ),
        ),
        migrations.RunPython(copy_terms_to_listings, copy_terms_to_documents),
        migrations.RunPython(move_search_index, restore_search_index),
        migrations.DeleteModel(
            name="ListingSearchDocument",
        ),
    ]
