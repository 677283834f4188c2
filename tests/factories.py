"""factory-boy factories for the catalog (and, later, commissions)."""

import io

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from makers.models import (
    Category,
    Maker,
    Material,
    OptionChoice,
    PersonalisationOption,
    Piece,
    PiecePhoto,
)
from shop.accounts.models import User


def jpeg_bytes(size=(64, 48), colour=(160, 82, 45)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    return buffer.getvalue()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    name = factory.Faker("name")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, password="a-long-test-password", **kwargs)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class MakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Maker

    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"Maker {n}")
    slug = factory.Sequence(lambda n: f"maker-{n}")
    craft = "Silversmith"
    location = "Ghent"
    story = "I make rings at a bench by the window."
    capacity = 3
    typical_lead_weeks = 4


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material

    maker = factory.SubFactory(MakerFactory)
    name = factory.Sequence(lambda n: f"Material {n}")
    kind = Material.Kind.METAL
    origin = "Antwerp, Belgium"
    supplier = "A refiner"


class PieceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Piece

    maker = factory.SubFactory(MakerFactory)
    title = factory.Sequence(lambda n: f"Piece {n}")
    slug = factory.Sequence(lambda n: f"piece-{n}")
    description = "Made by hand."
    base_price_cents = 12000
    price_from_cents = factory.SelfAttribute("base_price_cents")
    currency = "EUR"
    lead_time_min_weeks = 2
    lead_time_max_weeks = 4
    status = Piece.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    search_text = factory.LazyAttribute(
        lambda o: f"{o.title}\n{o.description}\n{o.maker.display_name}\n{o.maker.craft}"
    )


class PiecePhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PiecePhoto

    piece = factory.SubFactory(PieceFactory)
    image = factory.LazyFunction(lambda: ContentFile(jpeg_bytes(), name="photo.jpg"))
    alt_text = "A photo"


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonalisationOption

    piece = factory.SubFactory(PieceFactory)
    kind = PersonalisationOption.Kind.CHOICE
    label = factory.Sequence(lambda n: f"Option {n}")


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OptionChoice

    option = factory.SubFactory(OptionFactory)
    label = factory.Sequence(lambda n: f"Choice {n}")
    price_delta_cents = 0
