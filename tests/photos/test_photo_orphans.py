"""Photo files left by a transaction that rolled back are removed; others stay."""

import os
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction

from pilot_products.jobs.housekeeping import housekeeping_now
from pilot_products.models import ListingPhoto
from pilot_products.photos.orphans import remove_orphan_photos
from pilot_products.photos.storage import photo_storage
from pilot_products.services import photos as photo_services
from pilot_products.services import product_photos
from tests import factories

from .images import image_bytes, upload

pytestmark = pytest.mark.django_db


class RolledBack(Exception):
    pass


def stored() -> set[str]:
    return set(photo_storage.listdir("")[1]) if photo_storage.exists("") else set()


def age(files, seconds: int) -> None:
    """Make files look ``seconds`` old (the sweep leaves young files alone)."""
    then = time.time() - seconds
    for name in files:
        os.utime(photo_storage.path(name), (then, then))


@pytest.fixture
def listing(wholesaler_a):
    return factories.make_listing(wholesaler_a)


def test_the_files_of_a_rolled_back_photo_are_swept(listing, editor):
    kept = photo_services.photo_add(listing=listing, upload=upload(image_bytes()))
    product = product_photos.pilot_product_photo_set(
        product=listing.pilot_product, upload=upload(image_bytes()), user=editor
    )
    committed = stored()
    with pytest.raises(RolledBack), transaction.atomic():
        photo_services.photo_add(listing=listing, upload=upload(image_bytes()))
        raise RolledBack
    assert list(ListingPhoto.objects.all()) == [kept]
    orphans = stored() - committed
    assert len(orphans) == 3  # the photo and its two renditions, named by no row
    age(stored(), 2 * 3600)
    assert housekeeping_now()["orphan_photos"] == 1
    assert stored() == committed
    # What rows name is untouched: the listing's photo and the product's.
    assert kept.image.name in stored() and product.photo.name in stored()


def test_a_young_orphan_is_left_to_its_transaction(listing):
    with pytest.raises(RolledBack), transaction.atomic():
        photo_services.photo_add(listing=listing, upload=upload(image_bytes()))
        raise RolledBack
    assert len(stored()) == 3
    assert remove_orphan_photos() == 0  # younger than PHOTO_ORPHAN_MINUTES
    assert remove_orphan_photos(older_than=timedelta(0)) == 1
    assert stored() == set()


def test_the_command_says_how_many_it_removed(listing, capsys):
    with pytest.raises(RolledBack), transaction.atomic():
        photo_services.photo_add(listing=listing, upload=upload(image_bytes()))
        raise RolledBack
    age(stored(), 2 * 3600)
    call_command("housekeeping")
    assert "1 orphaned photos removed" in capsys.readouterr().out
    assert stored() == set()
