"""The demo catalog's words: eight makers, their materials and their pieces.

Plain data; `makers.demo.catalog` turns it into rows and pictures. Prices are in euro cents.
Each piece names the drawing of `makers.demo.drawings` that pictures it and the looks to draw
it with; extra photos either change the looks (another glaze, metal, colour) or are a
close-up ("detail") of the first.
"""

from dataclasses import dataclass, field

from makers.models import Material

Kind, Cert = Material.Kind, Material.Certification


@dataclass(frozen=True)
class MaterialSpec:
    name: str
    kind: str
    origin: str
    supplier: str
    note: str
    recycled: bool = False
    certification: str = Cert.NONE


@dataclass(frozen=True)
class OptionSpec:
    label: str
    choices: tuple[tuple[str, int], ...] = ()  # empty: a text option
    required: bool = False
    max_length: int | None = None
    help_text: str = ""
    # Choice label -> the text option it needs filled in (a monogram needs the initials).
    needs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PieceSpec:
    title: str
    category: str
    price: int
    lead: tuple[int, int]
    description: str
    materials: tuple[str, ...]
    drawing: str
    looks: dict
    alt: str
    photos: tuple[tuple[dict | str, str], ...] = ()  # (looks or "detail", alt text)
    options: tuple[OptionSpec, ...] = ()
    status: str = "published"
    featured: bool = False
    made_to_order: bool = True


@dataclass(frozen=True)
class MakerSpec:
    slug: str
    email: str  # "" for the demo maker, who logs in as MAKER_EMAIL
    name: str
    craft: str
    tagline: str
    story: str
    location: str
    capacity: int
    lead_weeks: int
    initials: str
    portrait: dict
    materials: tuple[MaterialSpec, ...]
    pieces: tuple[PieceSpec, ...]
    accepting: bool = True
    # A full bench: the demo commissions fill it, so the catalog shows a waitlist.
    full: bool = False
    featured: bool = False
    workshop: str = ""  # where buyers send a piece to rework


@dataclass(frozen=True)
class CategorySpec:
    slug: str
    name: str
    description: str = field(default="")


CATEGORIES = (
    CategorySpec("rings", "Rings", "Bands, solitaires and signets, sized to your finger."),
    CategorySpec(
        "necklaces", "Necklaces & pendants", "Pendants on chains you choose the length of."
    ),
    CategorySpec("earrings", "Earrings & bracelets", "Hoops, studs, drops and cuffs."),
    CategorySpec("home", "Home & table", "Vases, bowls and things to set a table with."),
    CategorySpec("kitchen", "Kitchen", "Boards, spoons and everyday pots that go to work."),
    CategorySpec("furniture", "Furniture", "Chairs and stools built to be sat on for decades."),
    CategorySpec("textiles", "Textiles", "Scarves, blankets and cloth woven on hand looms."),
    CategorySpec("leather", "Leather goods", "Wallets, bags and belts, stitched by hand."),
    CategorySpec("glass", "Glass", "Blown glass, much of it from recycled cullet."),
    CategorySpec("books", "Books & paper", "Notebooks, albums and guest books bound by hand."),
)


# --- Options used by more than one piece ------------------------------------------------------


def text(label: str, max_length: int, help_text: str = "") -> OptionSpec:
    return OptionSpec(label, max_length=max_length, help_text=help_text)


def choice(
    label: str, *choices: tuple[str, int], required: bool = True, help_text: str = ""
) -> OptionSpec:
    return OptionSpec(label, tuple(choices), required=required, help_text=help_text)


RING_SIZE = choice(
    "Ring size",
    *[(f"EU {n}", 0) for n in range(48, 64, 2)],
    help_text="Not sure? I'll post you a free ring sizer first.",
)
SILVER_OR_GOLD = choice("Metal", ("Recycled sterling silver", 0), ("9ct Fairmined gold", 32000))
BIRTHSTONE = choice(
    "Birthstone",
    ("January · garnet", 0),
    ("February · amethyst", 0),
    ("March · aquamarine", 2500),
    ("April · white sapphire", 6000),
    ("May · emerald", 9000),
    ("June · moonstone", 0),
    ("July · ruby", 9000),
    ("August · peridot", 0),
    ("September · sapphire", 8000),
    ("October · pink tourmaline", 4000),
    ("November · citrine", 0),
    ("December · blue topaz", 0),
)
CHAIN = choice("Chain length", ("40 cm", 0), ("45 cm", 0), ("50 cm", 1200))
GLAZE = choice(
    "Glaze", ("Celadon", 0), ("Oatmeal", 0), ("Tenmoku", 0), ("Cobalt", 0), ("Rust", 0), ("Snow", 0)
)
WOOD = choice("Wood", ("Oak", 0), ("Cherry", 2500), ("Walnut", 4000))
LEATHER = choice(
    "Leather colour", ("Tan", 0), ("Chestnut", 0), ("Dark brown", 0), ("Black", 0), ("Oxblood", 0)
)
THREAD = choice("Thread", ("Cream", 0), ("Ochre", 0), ("Black", 0), required=False)
MONOGRAM = OptionSpec(
    "Monogram",
    (("No monogram", 0), ("Blind-embossed initials", 1500)),
    needs=(("Blind-embossed initials", "Initials"),),
)
INITIALS = text("Initials", 3, "Up to three letters.")


def engraving(max_length: int, where: str = "inside the band") -> OptionSpec:
    return text(
        "Engraving", max_length, f"Hand-engraved {where}; short words and dates suit it best."
    )


# --- The makers -----------------------------------------------------------------------------

MARA = MakerSpec(
    slug="mara-silversmith",
    email="",
    name="Mara Silversmith",
    craft="Silversmith",
    tagline="Hammered silver rings and pendants, made to be worn every day.",
    location="Falmouth, Cornwall",
    capacity=4,
    lead_weeks=3,
    workshop="The Net Loft, 3 Quay Street\nFalmouth TR11 3HH\nUnited Kingdom",
    initials="MS",
    featured=True,
    portrait={
        "background": (150, 160, 170),
        "apron": (70, 78, 96),
        "skin": (232, 190, 164),
        "hair": (120, 70, 40),
    },
    story=(
        "I make rings and pendants in an old net loft above the harbour in Falmouth. My bench "
        "is a peg bench I bought from a retiring goldsmith in Birmingham, and most of my "
        "hammers belonged to my grandmother, who raised copper bowls for fun.\n\n"
        "Everything starts as recycled sterling silver grain from a refiner in the Jewellery "
        "Quarter. I melt it, roll it and draw it into wire myself, so I can tell you where every "
        "gram of your ring has been.\n\n"
        "When you commission a piece I send sketches first and, if you like, a short video of the "
        "ring on the mandrel before it's polished. Engravings are cut by hand, so short words "
        "and dates work best."
    ),
    materials=(
        MaterialSpec(
            "Recycled sterling silver",
            Kind.METAL,
            "jewellery and industrial scrap, refined in Birmingham, UK",
            "Hockley Refining Co. in the Jewellery Quarter",
            "Casting grain, sheet and wire. I ask for their chain-of-custody statement every year.",
            recycled=True,
            certification=Cert.RJC,
        ),
        MaterialSpec(
            "Fairmined 9ct gold",
            Kind.METAL,
            "an artisanal mining cooperative in Nariño, Colombia",
            "Hockley Refining Co. in the Jewellery Quarter",
            "For gold versions of my rings. Fairmined pays the miners a premium "
            "and the mine works without mercury.",
            certification=Cert.FAIRMINED,
        ),
        MaterialSpec(
            "Rose-cut garnets",
            Kind.STONE,
            "Jaipur, India, where a family workshop cuts them",
            "Stone & Story Gems in Edinburgh",
            "Not certified: my dealer can name the cutting workshop but not the mine.",
        ),
        MaterialSpec(
            "Moonstone cabochons",
            Kind.STONE,
            "Meetiyagoda, Sri Lanka",
            "Stone & Story Gems in Edinburgh",
            "Small parcels bought a few times a year; no certification exists for them.",
        ),
    ),
    pieces=(
        PieceSpec(
            "Hammered stacking rings, set of three",
            "rings",
            22000,
            (2, 3),
            "Three slim bands, each hammered on the steel mandrel until it catches the light "
            "like water. Wear them together or give one away. I make them in silver, or mix in "
            "a gold one if you like a little warmth.",
            ("Recycled sterling silver", "Fairmined 9ct gold"),
            "ring",
            {"metal": "silver", "band": 16, "hammered": True, "stack": 3},
            "Three slim hammered rings standing side by side: silver, gold and oxidised silver",
            photos=(("detail", "Close-up of the hammered texture on the bands"),),
            options=(RING_SIZE, SILVER_OR_GOLD),
            featured=True,
        ),
        PieceSpec(
            "Wide hammered band",
            "rings",
            26000,
            (2, 3),
            "A six-millimetre band with a soft hammered finish that wears in rather than out. "
            "Comfortable enough to forget you have it on. I can engrave a word or a date inside.",
            ("Recycled sterling silver", "Fairmined 9ct gold"),
            "ring",
            {"metal": "silver", "band": 34, "hammered": True},
            "A wide hammered silver ring standing upright on a table",
            photos=(({"metal": "gold"}, "The same wide hammered band in 9ct gold"),),
            options=(RING_SIZE, SILVER_OR_GOLD, engraving(20)),
        ),
        PieceSpec(
            "Birthstone solitaire ring",
            "rings",
            32000,
            (3, 4),
            "A single stone in a tall silver bezel on a slim band, made for a birth month or "
            "simply a favourite colour. Tell me whose stone it is; I like to know.",
            ("Recycled sterling silver", "Rose-cut garnets", "Moonstone cabochons"),
            "ring",
            {"metal": "silver", "stone": "garnet", "band": 18},
            "A slim silver ring set with a round deep-red garnet",
            photos=(
                (
                    {"metal": "gold", "stone": "sapphire"},
                    "The solitaire in 9ct gold with a blue sapphire",
                ),
                (
                    {"metal": "silver", "stone": "moonstone"},
                    "The solitaire in silver with a pale moonstone",
                ),
            ),
            options=(RING_SIZE, BIRTHSTONE, SILVER_OR_GOLD),
        ),
        PieceSpec(
            "Harbour moon pendant",
            "necklaces",
            18500,
            (2, 3),
            "A crescent moon cut from hammered silver sheet, the way the moon looks over the "
            "harbour on a clear night. It hangs on a fine trace chain in the length you choose, "
            "with a few words engraved on the back if you want them.",
            ("Recycled sterling silver",),
            "pendant",
            {"metal": "silver", "shape": "moon"},
            "A hammered silver crescent moon pendant on a fine chain, lying on the table",
            photos=(("detail", "Close-up of the crescent moon and its bail"),),
            options=(CHAIN, engraving(12, "on the back")),
        ),
        PieceSpec(
            "Signet ring",
            "rings",
            34000,
            (3, 4),
            "A solid signet with an oval face, ready for your initials cut by hand in my "
            "grandmother's serif letters. Heavier than it looks and made to be passed on.",
            ("Recycled sterling silver", "Fairmined 9ct gold"),
            "ring",
            {"metal": "silver", "band": 26, "signet": True},
            "A silver signet ring with a flat oval face, standing on a table",
            photos=(
                (
                    {"metal": "gold", "band": 26, "signet": True},
                    "The signet ring in 9ct Fairmined gold",
                ),
            ),
            options=(
                RING_SIZE,
                SILVER_OR_GOLD,
                text("Initials on the face", 3, "Up to three letters, engraved by hand."),
            ),
        ),
        PieceSpec(
            "Hammered cuff",
            "earrings",
            29000,
            (3, 4),
            "An open cuff forged from a thick silver bar. I'm still deciding on the width, so "
            "this one isn't for sale yet.",
            ("Recycled sterling silver",),
            "cuff",
            {"metal": "silver"},
            "An open hammered silver cuff lying on a table",
            status="draft",
        ),
        PieceSpec(
            "Sea-glass drop earrings",
            "earrings",
            14000,
            (2, 3),
            "Small drops set with pale stones, made the summer I ran out of Cornish sea glass. "
            "Retired, but I'm happy to talk about something similar.",
            ("Recycled sterling silver",),
            "earrings",
            {"metal": "silver", "style": "drop", "stone": "aquamarine"},
            "A pair of silver drop earrings with pale blue stones",
            status="archived",
        ),
    ),
)

TOMAS = MakerSpec(
    slug="tomas-brandt",
    email="tomas@makers.demo.atelier",
    name="Tomas Brandt",
    craft="Woodworker",
    tagline="Chairs, stools and kitchen boards from trees I can name.",
    location="Freiburg im Breisgau, Germany",
    capacity=3,
    lead_weeks=8,
    workshop="Alte Sägerei, Talstraße 8\n79117 Freiburg im Breisgau\nGermany",
    initials="TB",
    full=True,
    portrait={
        "background": (176, 140, 100),
        "apron": (52, 74, 92),
        "skin": (226, 180, 150),
        "hair": (70, 52, 38),
    },
    story=(
        "My workshop is an old sawmill shed at the edge of the Black Forest, ten minutes by "
        "bike from Freiburg. Most of my oak and cherry comes from a forester in the Kinzig "
        "valley who marks trees for me when a stand is thinned.\n\n"
        "I work with hand tools where they do the job better: a drawknife for spindles, an "
        "adze and a scorp for seats. Everything is finished with linseed oil and beeswax, "
        "nothing that stops the wood from breathing.\n\n"
        "A chair takes me about six weeks. I'll ask for your height and how you like to sit, "
        "and I send photos of the seat blank before I carve it. My bench is full until the "
        "current chairs are done, but you're welcome to join the waiting list."
    ),
    materials=(
        MaterialSpec(
            "FSC-certified oak",
            Kind.WOOD,
            "the Kinzig valley in the Black Forest, Germany",
            "Forstbetrieb Haas in Haslach",
            "Air-dried for two years in my yard before it comes inside.",
            certification=Cert.FSC,
        ),
        MaterialSpec(
            "PEFC cherry",
            Kind.WOOD,
            "the Vosges foothills in Alsace, France",
            "Scierie Muller in Sélestat",
            "Bought as whole boards from one log so the colour matches.",
            certification=Cert.PEFC,
        ),
        MaterialSpec(
            "Storm-felled walnut",
            Kind.WOOD,
            "an orchard tree on the Kaiserstuhl, felled by a storm in 2022",
            "the orchard's owner, directly",
            "Reclaimed rather than certified: one tree, which will last me years.",
            recycled=True,
        ),
        MaterialSpec(
            "Linseed oil and beeswax",
            Kind.OTHER,
            "Thuringia (cold-pressed linseed) and Kirchzarten (beeswax), Germany",
            "Ölmühle Lerchl and Imkerei Vogt",
            "Food-safe. Re-oil your board when it looks thirsty.",
        ),
    ),
    pieces=(
        PieceSpec(
            "Spindle-back side chair",
            "furniture",
            145000,
            (6, 8),
            "A light, strong side chair with a carved seat, seven spindles and a steam-bent "
            "crest rail. Riven oak for the spindles, so the grain runs the whole length. Built "
            "to your height and finished with oil and wax.",
            ("FSC-certified oak", "PEFC cherry", "Storm-felled walnut", "Linseed oil and beeswax"),
            "chair",
            {"wood": "oak"},
            "A spindle-back wooden side chair with a curved top rail, seen from the front",
            photos=(({"wood": "cherry"}, "The side chair made in cherry"),),
            options=(
                choice("Wood", ("Oak", 0), ("Cherry", 18000), ("Walnut", 32000)),
                choice("Seat height", ("44 cm", 0), ("46 cm", 0), ("48 cm", 0)),
            ),
        ),
        PieceSpec(
            "Three-legged stool",
            "furniture",
            42000,
            (4, 6),
            "A low stool with a dished seat and three splayed legs, so it never rocks on an old "
            "floor. Good for milking, pulling on boots or reaching the top shelf.",
            ("FSC-certified oak", "Storm-felled walnut", "Linseed oil and beeswax"),
            "stool",
            {"wood": "ash"},
            "A three-legged wooden stool with a round dished seat and a stretcher",
            photos=(({"wood": "walnut"}, "The stool in dark walnut"),),
            options=(WOOD,),
        ),
        PieceSpec(
            "End-grain chopping block",
            "kitchen",
            26000,
            (3, 4),
            "A heavy block glued up from end-grain pieces, so your knives sink in instead of "
            "going blunt. I can brand your initials into the side with a hot iron.",
            ("Storm-felled walnut", "FSC-certified oak", "Linseed oil and beeswax"),
            "board",
            {"wood": "walnut", "style": "end", "handle": False},
            "A thick end-grain chopping block in a chequer of walnut blocks",
            photos=(
                ({"wood": "oak", "style": "end", "handle": False}, "The chopping block in oak"),
            ),
            options=(WOOD, text("Branded initials", 3, "Burned into one end with a hot iron.")),
            featured=True,
        ),
        PieceSpec(
            "Long-grain serving board",
            "kitchen",
            11000,
            (1, 1),
            "A long oak board with a hanging hole, for bread, cheese and carving at the table. "
            "A few are always on the shelf, oiled and ready to send.",
            ("FSC-certified oak", "Linseed oil and beeswax"),
            "board",
            {"wood": "oak", "style": "edge", "handle": True},
            "A long oak serving board with a hanging hole, lying on a table",
            made_to_order=False,
        ),
        PieceSpec(
            "Carved serving spoons, set of three",
            "kitchen",
            9500,
            (2, 3),
            "Three spoons carved green from one cherry branch with an axe and a hook knife, then "
            "dried slowly. Each is a little different, as the branch was.",
            ("PEFC cherry", "Linseed oil and beeswax"),
            "spoons",
            {"wood": "cherry"},
            "Three carved wooden spoons laid side by side",
            photos=(({"wood": "walnut"}, "The spoons carved from walnut"),),
            options=(WOOD,),
        ),
        PieceSpec(
            "Turned fruit bowl",
            "home",
            18000,
            (3, 4),
            "A wide bowl turned from a single walnut block. Still working out the wall thickness.",
            ("Storm-felled walnut",),
            "bowl",
            {"wood": "walnut"},
            "A wide turned walnut bowl on a table",
            status="draft",
        ),
    ),
)

INES = MakerSpec(
    slug="ines-costa",
    email="ines@makers.demo.atelier",
    name="Inês Costa",
    craft="Ceramicist",
    tagline="Stoneware for the table, thrown fresh for every order.",
    location="Caldas da Rainha, Portugal",
    capacity=5,
    lead_weeks=4,
    workshop="Rua das Olarias 12\n2500-181 Caldas da Rainha\nPortugal",
    initials="IC",
    featured=True,
    portrait={
        "background": (200, 150, 120),
        "apron": (120, 80, 62),
        "skin": (196, 148, 116),
        "hair": (40, 30, 26),
    },
    story=(
        "I throw stoneware in a small studio behind my parents' house in Caldas da Rainha, a "
        "town that has made pottery for five hundred years. The wheel faces the garden; the "
        "kiln lives in the old laundry.\n\n"
        "My clay is dug forty kilometres away and prepared by a family firm that has "
        "supplied the town's potters for three generations. I mix my own glazes, some with ash "
        "from our wood stove, so I can match a colour you show me in a photo, within reason: "
        "fire has opinions.\n\n"
        "Every order is thrown fresh. I send a photo from the wheel and another before the "
        "glaze firing, and I pack with straw and recycled card so nothing arrives in pieces."
    ),
    materials=(
        MaterialSpec(
            "Local stoneware clay",
            Kind.CLAY,
            "a clay pit near Alcobaça, Leiria district",
            "Barros Ferreira & Filhos in Caldas da Rainha",
            "Iron-speckled and warm when fired; forty kilometres from my wheel.",
        ),
        MaterialSpec(
            "Reclaimed studio clay",
            Kind.CLAY,
            "the trimmings and slop of my own wheel",
            "",
            "Dried, slaked and wedged again: nothing goes down the drain.",
            recycled=True,
        ),
        MaterialSpec(
            "Wood-ash glazes",
            Kind.OTHER,
            "Portuguese feldspar and the ash of our wood-burning stove",
            "",
            "The ash makes each batch a little different; I test every one.",
        ),
    ),
    pieces=(
        PieceSpec(
            "Breakfast bowl",
            "kitchen",
            4800,
            (3, 4),
            "The bowl I reach for every morning: wide enough for porridge and fruit, with a "
            "raw speckled foot that feels good in the hand. Choose a glaze; each bowl is thrown "
            "for you.",
            ("Local stoneware clay", "Wood-ash glazes"),
            "bowl",
            {"glaze": "celadon", "clay": "speckled"},
            "A wide celadon-green stoneware bowl with an unglazed speckled foot",
            photos=(
                ({"glaze": "tenmoku", "clay": "speckled"}, "The bowl in dark tenmoku glaze"),
                ({"glaze": "oatmeal", "clay": "speckled"}, "The bowl in oatmeal glaze"),
            ),
            options=(GLAZE,),
            featured=True,
        ),
        PieceSpec(
            "Everyday mug",
            "kitchen",
            3800,
            (3, 4),
            "Holds a proper 350 ml, with a thumb-sized handle pulled by hand. I can stamp your "
            "initials into the foot.",
            ("Local stoneware clay", "Wood-ash glazes"),
            "mug",
            {"glaze": "oatmeal", "clay": "speckled"},
            "A speckled oatmeal-glazed stoneware mug with a pulled handle",
            photos=(
                (
                    {"glaze": "cobalt", "clay": "speckled", "cups": 2},
                    "Two mugs in cobalt blue glaze",
                ),
            ),
            options=(GLAZE, text("Initials in the foot", 3, "Stamped before firing.")),
        ),
        PieceSpec(
            "Bottle vase",
            "home",
            9500,
            (4, 5),
            "A tall bottle for a single branch or a few stems from the garden, glazed inside so "
            "it holds water.",
            ("Local stoneware clay", "Wood-ash glazes"),
            "vase",
            {"glaze": "ash", "shape": "bottle"},
            "A tall stoneware bottle vase in a pale ash glaze",
            photos=(({"glaze": "rust", "shape": "bottle"}, "The bottle vase in rust glaze"),),
            options=(GLAZE,),
        ),
        PieceSpec(
            "Pouring jug",
            "kitchen",
            8500,
            (3, 4),
            "A jug with a crisp lip that doesn't dribble, for milk, water or flowers.",
            ("Local stoneware clay", "Wood-ash glazes"),
            "jug",
            {"glaze": "snow"},
            "A white stoneware pouring jug with a strap handle",
            options=(GLAZE,),
        ),
        PieceSpec(
            "Dinner plates, set of four",
            "home",
            16000,
            (4, 6),
            "Four plates with a painted rim, thrown and trimmed one by one, so each is a "
            "little different. They go in the dishwasher.",
            ("Local stoneware clay", "Reclaimed studio clay", "Wood-ash glazes"),
            "plates",
            {"glaze": "oatmeal", "rim": "rust"},
            "A stack of oatmeal stoneware plates with a rust-red painted rim",
            photos=(
                ({"glaze": "celadon", "rim": "cobalt"}, "The plates in celadon with a cobalt rim"),
            ),
            options=(GLAZE, choice("Rim colour", ("Rust", 0), ("Cobalt", 0), ("None", 0))),
        ),
        PieceSpec(
            "Serving bowl",
            "home",
            12000,
            (4, 5),
            "A big, generous bowl for salads and summer tables, glazed deep rust outside and "
            "pale inside.",
            ("Local stoneware clay", "Wood-ash glazes"),
            "bowl",
            {"glaze": "rust", "inner": "oatmeal"},
            "A large rust-glazed stoneware serving bowl with a pale inside",
            options=(GLAZE,),
        ),
        PieceSpec(
            "Tea bowl",
            "kitchen",
            5500,
            (3, 4),
            "A tall tea bowl in tenmoku. Testing a new glaze recipe before I list it.",
            ("Local stoneware clay", "Wood-ash glazes"),
            "bowl",
            {"glaze": "tenmoku", "tall": True},
            "A tall dark brown tea bowl",
            status="draft",
        ),
    ),
)

SAOIRSE = MakerSpec(
    slug="saoirse-byrne",
    email="saoirse@makers.demo.atelier",
    name="Saoirse Byrne",
    craft="Weaver",
    tagline="Wool scarves and blankets woven by hand on the west coast of Ireland.",
    location="Westport, County Mayo, Ireland",
    capacity=3,
    lead_weeks=5,
    workshop="Cloonmore Cottage, Newport Road\nWestport, Co. Mayo F28 X2K4\nIreland",
    initials="SB",
    featured=True,
    portrait={
        "background": (150, 164, 140),
        "apron": (96, 70, 60),
        "skin": (240, 204, 180),
        "hair": (176, 92, 50),
    },
    story=(
        "I weave on a 1930s treadle loom in a stone cottage outside Westport. On a clear day "
        "I can see Croagh Patrick from the window; on most days I can hear the rain.\n\n"
        "My wool comes from a flock of Galway sheep ten miles up the road, spun for me at a "
        "small mill in Donegal, and from GOTS-certified organic merino for the softer scarves. "
        "I dye with madder, weld and woad from the garden, and I'll tell you which plant made "
        "your colour.\n\n"
        "Tell me where a blanket will live and who it's for. Before I warp the loom I post "
        "you a woven sample the size of a postcard."
    ),
    materials=(
        MaterialSpec(
            "Galway wool, undyed",
            Kind.TEXTILE,
            "a flock of Galway sheep near Newport, County Mayo",
            "Kilcar Spinners in Donegal, who spin it for me",
            "Galway is Ireland's own sheep breed. Undyed, it keeps its natural cream.",
        ),
        MaterialSpec(
            "GOTS organic merino",
            Kind.TEXTILE,
            "organic farms in Patagonia, spun in Biella, Italy",
            "Filatura Sella in Biella",
            "For scarves worn next to the skin.",
            certification=Cert.GOTS,
        ),
        MaterialSpec(
            "Reclaimed linen yarn",
            Kind.TEXTILE,
            "the mill ends of a linen spinner in Flanders",
            "Vlas & Co. in Kortrijk",
            "The ends of cones a mill can't sell; perfect for tea towels.",
            recycled=True,
        ),
        MaterialSpec(
            "Garden plant dyes",
            Kind.OTHER,
            "madder, weld and woad grown in my garden in Mayo",
            "",
            "Colours shift a little from batch to batch, which I love.",
        ),
    ),
    pieces=(
        PieceSpec(
            "Herringbone scarf",
            "textiles",
            14000,
            (3, 4),
            "A long scarf in a soft herringbone twill, light enough for spring and warm enough "
            "for a sea wind. Fringed at both ends and washed in the river-soft water here.",
            ("GOTS organic merino", "Garden plant dyes"),
            "scarf",
            {"colours": ("undyed",), "pattern": "herringbone"},
            "A cream herringbone scarf hanging over a wooden rail, fringed at the ends",
            photos=(
                (
                    {"colours": ("rust",), "pattern": "herringbone"},
                    "The herringbone scarf dyed with madder",
                ),
                (
                    {"colours": ("indigo",), "pattern": "herringbone"},
                    "The herringbone scarf dyed with woad",
                ),
            ),
            options=(
                choice(
                    "Colour",
                    ("Undyed cream", 0),
                    ("Madder rust", 0),
                    ("Weld yellow", 0),
                    ("Woad blue", 0),
                ),
                MONOGRAM,
            ),
        ),
        PieceSpec(
            "Checked wool blanket",
            "textiles",
            36000,
            (4, 6),
            "A thick Galway wool blanket in a soft check, woven in two widths and joined by hand "
            "down the middle. It will outlive us both if the moths are kept away.",
            ("Galway wool, undyed", "Garden plant dyes"),
            "blanket",
            {"colours": ("undyed", "forest", "rust"), "pattern": "check"},
            "A folded cream wool blanket with a green and rust check, fringed at the sides",
            photos=(
                (
                    {"colours": ("oat", "indigo", "mustard"), "pattern": "check"},
                    "The blanket in its indigo colourway",
                ),
            ),
            options=(
                choice("Size", ("Throw, 130 × 180 cm", 0), ("Double, 200 × 230 cm", 16000)),
                choice("Colourway", ("Moss and madder", 0), ("Woad and weld", 0)),
            ),
            featured=True,
        ),
        PieceSpec(
            "Striped linen tea towels, set of three",
            "kitchen",
            6500,
            (1, 1),
            "Three tea towels woven from reclaimed linen mill ends, each striped a little "
            "differently. They get softer and more absorbent with every wash.",
            ("Reclaimed linen yarn",),
            "blanket",
            {"colours": ("sea", "undyed", "mustard"), "pattern": "stripe", "layers": 3},
            "Three striped linen tea towels fanned out on a table",
            made_to_order=False,
        ),
        PieceSpec(
            "Woven cushion cover",
            "textiles",
            9500,
            (3, 4),
            "A 50 cm cushion cover in a bold weld-yellow stripe, with a wooden button closure "
            "on the back.",
            ("Galway wool, undyed", "Garden plant dyes"),
            "cushion",
            {"colours": ("mustard", "undyed"), "pattern": "stripe"},
            "A square woven cushion with yellow and cream stripes",
            photos=(
                (
                    {"colours": ("indigo", "undyed"), "pattern": "stripe"},
                    "The cushion in woad blue stripes",
                ),
            ),
            options=(
                choice("Colourway", ("Weld yellow", 0), ("Woad blue", 0), ("Madder rust", 0)),
                choice(
                    "Insert",
                    ("Cover only", 0),
                    ("Feather insert", 1800),
                    ("Wool insert", 2600),
                    required=False,
                ),
            ),
        ),
        PieceSpec(
            "Baby blanket",
            "textiles",
            18000,
            (3, 5),
            "A small, soft merino blanket for a new arrival, with a name woven into one corner "
            "if you like.",
            ("GOTS organic merino",),
            "blanket",
            {"colours": ("cream", "sky"), "pattern": "herringbone"},
            "A folded pale herringbone baby blanket, fringed at the sides",
            options=(text("Name in the corner", 10, "Woven in, so keep it short."),),
        ),
        PieceSpec(
            "Table runner",
            "home",
            8500,
            (3, 4),
            "A long linen runner. Still sampling the stripe.",
            ("Reclaimed linen yarn",),
            "blanket",
            {"colours": ("oat", "rust"), "pattern": "stripe", "layers": 2},
            "Two striped linen runners on a table",
            status="draft",
        ),
    ),
)

LUCA = MakerSpec(
    slug="luca-ferri",
    email="luca@makers.demo.atelier",
    name="Luca Ferri",
    craft="Glassblower",
    tagline="Blown glass for the table, half of it from recycled bottles.",
    location="Altare, Liguria, Italy",
    capacity=4,
    lead_weeks=6,
    workshop="Frantoio Vecchio, Via del Vetro 5\n17041 Altare (SV)\nItaly",
    initials="LF",
    accepting=False,
    portrait={
        "background": (110, 96, 90),
        "apron": (140, 110, 80),
        "skin": (214, 166, 130),
        "hair": (200, 196, 190),
    },
    story=(
        "Altare has blown glass since the Middle Ages, and I learned in one of the last "
        "factory studios here before it closed. Now I share a furnace with two other "
        "glassblowers in an old olive mill at the edge of the village.\n\n"
        "About half of my glass is remelted cullet: bottles and window offcuts from a "
        "recycler in Savona, sorted by colour. Recycled glass has tiny seeds of air and a "
        "slight tint. I like it, and I'll tell you honestly when a piece needs clear new glass "
        "instead.\n\n"
        "Glass can't be reworked, so I blow three or four of each commission and send you "
        "photos to choose from. The furnace is cold in high summer; I take new commissions "
        "again in the autumn."
    ),
    materials=(
        MaterialSpec(
            "Recycled glass cullet",
            Kind.GLASS,
            "bottles and window offcuts collected around Savona",
            "Vetreria di Recupero in Savona",
            "Sorted by colour and remelted; about half of everything I make.",
            recycled=True,
        ),
        MaterialSpec(
            "Clear batch glass",
            Kind.GLASS,
            "sand, soda and lime from northern Italy",
            "Miscele Vetrarie in Murano",
            "New glass, for pieces that need to be water-clear.",
        ),
        MaterialSpec(
            "Colour frit",
            Kind.GLASS,
            "Bavaria, Germany",
            "Glasfarben Hofmann in Waldsassen",
            "A pinch of colour rolled into the gather.",
        ),
    ),
    pieces=(
        PieceSpec(
            "Recycled glass tumblers, set of four",
            "glass",
            12000,
            (4, 6),
            "Four tumblers blown from remelted bottles, each with a gentle wave in the wall that "
            "fits the fingers. Choose one colour or ask for a mixed set.",
            ("Recycled glass cullet", "Colour frit"),
            "tumblers",
            {"tint": "clear", "count": 3},
            "Three blown glass tumblers in different tints standing in a row",
            photos=(({"tint": "sea", "count": 1}, "A single sea-green tumbler"),),
            options=(
                choice(
                    "Colour",
                    ("Clear", 0),
                    ("Sea green", 0),
                    ("Amber", 0),
                    ("Cobalt", 1600),
                    ("Mixed", 0),
                ),
            ),
        ),
        PieceSpec(
            "Bud vase",
            "glass",
            6500,
            (4, 6),
            "A small vase for one stem, with a heavy base so it stands its ground on a windowsill.",
            ("Recycled glass cullet",),
            "glass_vase",
            {"tint": "sea", "shape": "bud"},
            "A small sea-green glass bud vase",
            photos=(({"tint": "amber", "shape": "bud"}, "The bud vase in amber"),),
            options=(choice("Colour", ("Sea green", 0), ("Amber", 0), ("Smoke", 0)),),
        ),
        PieceSpec(
            "Round vase",
            "glass",
            14000,
            (5, 6),
            "A full, round vase in amber glass, wide enough for a big handful of garden flowers.",
            ("Clear batch glass", "Colour frit"),
            "glass_vase",
            {"tint": "amber", "shape": "round"},
            "A round amber glass vase on a table",
            options=(choice("Colour", ("Amber", 0), ("Sea green", 0), ("Rose", 0)),),
        ),
        PieceSpec(
            "Water carafe",
            "glass",
            11000,
            (4, 6),
            "A one-litre carafe with a narrow neck that pours cleanly, and a matching tumbler "
            "that sits upside down on top.",
            ("Clear batch glass",),
            "carafe",
            {"tint": "clear"},
            "A clear glass water carafe and a small tumbler",
            options=(INITIALS,),
        ),
        PieceSpec(
            "Swirl paperweight",
            "glass",
            7500,
            (1, 1),
            "A heavy sphere with a ribbon of amber caught inside, turned in the furnace until it "
            "settled. A few are always ready to send.",
            ("Recycled glass cullet", "Colour frit"),
            "paperweight",
            {"tint": "cobalt", "swirl": "amber"},
            "A cobalt blue glass paperweight with an amber swirl inside",
            made_to_order=False,
            featured=True,
        ),
        PieceSpec(
            "Wide fruit bowl",
            "glass",
            16500,
            (5, 6),
            "A shallow amber bowl. Waiting for the furnace to be lit again.",
            ("Recycled glass cullet",),
            "glass_bowl",
            {"tint": "amber"},
            "A wide amber glass bowl",
            status="draft",
        ),
    ),
)

ADA = MakerSpec(
    slug="ada-novak",
    email="ada@makers.demo.atelier",
    name="Ada Novak",
    craft="Leatherworker",
    tagline="Saddle-stitched leather goods, sized to what you carry.",
    location="Ljubljana, Slovenia",
    capacity=4,
    lead_weeks=3,
    workshop="Trubarjeva cesta 21\n1000 Ljubljana\nSlovenia",
    initials="AN",
    portrait={
        "background": (170, 120, 90),
        "apron": (60, 44, 36),
        "skin": (222, 176, 140),
        "hair": (30, 26, 24),
    },
    story=(
        "My workshop is a narrow room on Trubarjeva street in Ljubljana, with a window onto "
        "the street so people can watch me stitch. I trained as a bookbinder before I moved to "
        "leather, which is why I care so much about edges.\n\n"
        "I use vegetable-tanned leather from a Leather Working Group certified tannery in "
        "Tuscany, tanned slowly with chestnut and mimosa bark. It starts pale and darkens with "
        "your hands and the sun.\n\n"
        "Everything is cut by hand and saddle-stitched with two needles and waxed linen "
        "thread, so if a seam ever wears it can be restitched, and I'll do that for free. Tell "
        "me what you carry every day and I'll size the pockets to it."
    ),
    materials=(
        MaterialSpec(
            "Vegetable-tanned cowhide",
            Kind.LEATHER,
            "Santa Croce sull'Arno in Tuscany, Italy",
            "Conceria San Martino",
            "Bark-tanned, no chromium; the tannery holds a Leather Working Group gold rating.",
            certification=Cert.LWG,
        ),
        MaterialSpec(
            "Waxed linen thread",
            Kind.TEXTILE,
            "flax grown in Normandy, spun and waxed in Northern Ireland",
            "Crawford's Thread Mill",
            "Stronger than the leather it holds together.",
        ),
        MaterialSpec(
            "Solid brass buckles",
            Kind.METAL,
            "Walsall, England, where they are cast",
            "Walsall Saddlery Fittings",
            "Solid, not plated, so they wear to a soft gold.",
        ),
        MaterialSpec(
            "Leather offcuts",
            Kind.LEATHER,
            "my own cutting table",
            "",
            "Card holders and small pieces come from what bags leave behind.",
            recycled=True,
        ),
    ),
    pieces=(
        PieceSpec(
            "Bifold wallet",
            "leather",
            12000,
            (2, 3),
            "A slim wallet with four card slots and a full-length note pocket, stitched at "
            "eight stitches to the inch. Add your initials, pressed blind into the corner.",
            ("Vegetable-tanned cowhide", "Waxed linen thread"),
            "wallet",
            {"leather": "tan", "style": "bifold"},
            "A tan leather bifold wallet with cream saddle stitching, seen from above",
            photos=(
                (
                    {"leather": "dark brown", "style": "bifold", "thread": "ochre"},
                    "The wallet in dark brown with ochre thread",
                ),
                ("detail", "Close-up of the saddle stitching along the edge"),
            ),
            options=(LEATHER, THREAD, MONOGRAM, INITIALS),
            featured=True,
        ),
        PieceSpec(
            "Card holder",
            "leather",
            5500,
            (1, 2),
            "Two pockets and a thumb cut-out, made from the best of my offcuts. Holds six "
            "cards without bulging.",
            ("Leather offcuts", "Waxed linen thread"),
            "wallet",
            {"leather": "chestnut", "style": "card"},
            "A chestnut leather card holder with a card tucked inside",
            options=(LEATHER, INITIALS),
        ),
        PieceSpec(
            "Market tote",
            "leather",
            29000,
            (3, 4),
            "A big open tote with riveted handles long enough for the shoulder. It carries a "
            "week of vegetables and gets better-looking every year.",
            ("Vegetable-tanned cowhide", "Waxed linen thread", "Solid brass buckles"),
            "bag",
            {"leather": "chestnut", "style": "tote"},
            "A chestnut leather tote bag with two handles and brass rivets",
            photos=(({"leather": "black", "style": "tote"}, "The tote in black leather"),),
            options=(
                LEATHER,
                choice("Inside pocket", ("No pocket", 0), ("Zip pocket", 2500), required=False),
            ),
        ),
        PieceSpec(
            "Saddle satchel",
            "leather",
            48000,
            (4, 5),
            "A structured satchel with a full flap and two buckled straps, with an adjustable "
            "strap to wear across the body.",
            ("Vegetable-tanned cowhide", "Waxed linen thread", "Solid brass buckles"),
            "bag",
            {"leather": "dark brown", "style": "satchel"},
            "A dark brown leather satchel with a flap and two brass buckles",
            options=(LEATHER, INITIALS),
        ),
        PieceSpec(
            "Hand-stitched belt",
            "leather",
            9500,
            (1, 2),
            "A four-centimetre belt cut from the back of the hide, where the leather is "
            "firmest, with a solid brass buckle that can be swapped out.",
            ("Vegetable-tanned cowhide", "Solid brass buckles"),
            "belt",
            {"leather": "dark brown", "buckle": "brass"},
            "A dark brown leather belt with a brass buckle laid in a curve",
            photos=(
                (
                    {"leather": "tan", "buckle": "silver"},
                    "The belt in tan with a silver-tone buckle",
                ),
            ),
            options=(
                choice(
                    "Waist",
                    *[(f"{n} cm", 0) for n in range(70, 111, 5)],
                    help_text="Measure round your favourite trousers, through the loops.",
                ),
                LEATHER,
            ),
        ),
        PieceSpec(
            "Glasses case",
            "leather",
            7000,
            (2, 3),
            "A soft case with a snap flap. Waiting on a new batch of oxblood leather.",
            ("Vegetable-tanned cowhide",),
            "wallet",
            {"leather": "oxblood", "style": "case"},
            "An oxblood leather glasses case with a brass snap",
            status="draft",
        ),
    ),
)

JONAS = MakerSpec(
    slug="jonas-vermeulen",
    email="jonas@makers.demo.atelier",
    name="Jonas Vermeulen",
    craft="Bookbinder",
    tagline="Notebooks, albums and guest books, sewn by hand to open flat.",
    location="Ghent, Belgium",
    capacity=5,
    lead_weeks=3,
    workshop="Kraanlei 40 (basement)\n9000 Gent\nBelgium",
    initials="JV",
    portrait={
        "background": (130, 120, 100),
        "apron": (40, 52, 70),
        "skin": (236, 196, 170),
        "hair": (150, 120, 80),
    },
    story=(
        "I bind books in a basement workshop near the Patershol in Ghent, between two "
        "cast-iron presses older than the building's wiring. I started out repairing old books "
        "for the university library, and I still do on Mondays.\n\n"
        "My paper is recycled cotton rag from a mill in the Ardennes, or FSC-certified "
        "drawing paper from Germany. Covers are Belgian linen, or leather offcuts from Ada in "
        "Ljubljana: we met at a fair and now swap scraps.\n\n"
        "Every book is sewn on tapes so it opens flat on the table. For a guest book or an "
        "album I post you cloth swatches before I cut anything."
    ),
    materials=(
        MaterialSpec(
            "Recycled cotton rag paper",
            Kind.OTHER,
            "the Ardennes, Belgium",
            "Papeterie de la Semois",
            "Made from cotton offcuts of the clothing trade; lovely with a fountain pen.",
            recycled=True,
        ),
        MaterialSpec(
            "FSC-certified drawing paper",
            Kind.OTHER,
            "a paper mill in Bavaria, Germany",
            "Papierfabrik Kleinert",
            "160 gsm, takes pencil, ink and a light wash.",
            certification=Cert.FSC,
        ),
        MaterialSpec(
            "Belgian linen bookcloth",
            Kind.TEXTILE,
            "flax grown in Flanders, woven in Kortrijk",
            "Weverij De Leie",
            "Paper-backed in my workshop so the glue doesn't soak through.",
        ),
        MaterialSpec(
            "Leather offcuts",
            Kind.LEATHER,
            "vegetable-tanned offcuts from Ljubljana",
            "Ada Novak's workshop",
            "Too small for a bag, just right for a journal.",
            recycled=True,
        ),
    ),
    pieces=(
        PieceSpec(
            "Linen-bound notebook",
            "books",
            3800,
            (2, 3),
            "An A5 notebook of 192 pages of rag paper, sewn so it lies flat, with a ribbon "
            "marker. Your initials can be blind-stamped on the cover.",
            ("Recycled cotton rag paper", "Belgian linen bookcloth"),
            "notebook",
            {"cover": "forest", "ribbon": "rust"},
            "A forest-green linen notebook with a rust ribbon marker, seen from above",
            photos=(({"cover": "rust", "ribbon": "mustard"}, "The notebook in rust linen"),),
            options=(
                choice("Pages", ("Plain", 0), ("Lined", 0), ("Dot grid", 0)),
                choice("Size", ("A5", 0), ("A4", 1400)),
                INITIALS,
            ),
            featured=True,
        ),
        PieceSpec(
            "Coptic-stitched sketchbook",
            "books",
            4800,
            (2, 3),
            "A sketchbook with an exposed coptic spine, so it opens completely flat for "
            "drawing across the spread. Heavy drawing paper that takes a wash.",
            ("FSC-certified drawing paper", "Belgian linen bookcloth"),
            "notebook",
            {"cover": "slate", "stitched": True},
            "A slate-grey sketchbook with exposed stitching along its spine",
            photos=(("detail", "Close-up of the coptic stitching on the spine"),),
            options=(choice("Size", ("A5", 0), ("A4 landscape", 1600)),),
        ),
        PieceSpec(
            "Photo album",
            "books",
            9500,
            (3, 4),
            "A landscape album with black rag pages and glassine between them, for prints "
            "rather than phones. A title on the cover label if you like.",
            ("Recycled cotton rag paper", "Belgian linen bookcloth"),
            "notebook",
            {"cover": "oat", "spine": "forest", "landscape": True, "label": True},
            "A landscape photo album bound in oat linen with a green spine and a cover label",
            options=(
                choice("Pages", ("30 leaves", 0), ("50 leaves", 2000)),
                text("Title on the label", 30),
            ),
        ),
        PieceSpec(
            "Wedding guest book",
            "books",
            12000,
            (3, 4),
            "A generous guest book with a quarter-leather spine and your names on the cover "
            "label, with room for a photo beside each message.",
            ("Recycled cotton rag paper", "Belgian linen bookcloth", "Leather offcuts"),
            "notebook",
            {"cover": "cream", "spine": "navy", "landscape": True, "label": True, "ribbon": "navy"},
            "A cream linen guest book with a navy spine and a label on the cover",
            options=(
                choice("Cover", ("Cream linen", 0), ("Sage linen", 0), ("Oat linen", 0)),
                text("Names and date", 40, "Printed on the cover label."),
            ),
        ),
        PieceSpec(
            "Leather journal",
            "books",
            8500,
            (2, 3),
            "A refillable journal in a wrap of vegetable-tanned leather from Ada's offcuts, "
            "held closed with an elastic band.",
            ("Leather offcuts", "Recycled cotton rag paper"),
            "notebook",
            {"cover": "chestnut", "band": True},
            "A chestnut leather journal with a black elastic band, seen from above",
            options=(LEATHER, INITIALS),
        ),
        PieceSpec(
            "Recipe book",
            "books",
            6000,
            (2, 3),
            "A wipe-clean recipe book with tabbed sections. Retired: the coated paper I used is "
            "no longer made.",
            ("Belgian linen bookcloth",),
            "notebook",
            {"cover": "clay", "spine": "cream", "label": True},
            "A terracotta recipe book with a cream spine and a cover label",
            status="archived",
        ),
        PieceSpec(
            "Pocket notebooks, set of three",
            "books",
            2400,
            (1, 2),
            "Three small notebooks. Choosing the cloth colours.",
            ("Recycled cotton rag paper",),
            "notebook",
            {"cover": "mustard"},
            "A small mustard-yellow notebook",
            status="draft",
        ),
    ),
)

AURELIE = MakerSpec(
    slug="aurelie-dufour",
    email="aurelie@makers.demo.atelier",
    name="Aurélie Dufour",
    craft="Jeweller",
    tagline="Fairmined gold and traceable stones, set by hand in Lyon.",
    location="Lyon, France",
    capacity=2,
    lead_weeks=6,
    workshop="Atelier 3, 18 montée de la Grande-Côte\n69001 Lyon\nFrance",
    initials="AD",
    featured=True,
    portrait={
        "background": (120, 90, 100),
        "apron": (44, 40, 48),
        "skin": (130, 90, 70),
        "hair": (24, 20, 20),
    },
    story=(
        "I set stones in gold in a small atelier on the slopes of the Croix-Rousse in Lyon, "
        "where silk weavers once worked. The light is wonderful for stones and terrible for my "
        "tea, which always goes cold.\n\n"
        "My gold is Fairmined, from artisanal mines that work safely and without mercury, or "
        "recycled 18ct gold from a refiner in Paris. I buy stones one at a time from two "
        "dealers who can name the mine and the cutter, and I'll show you three to choose from.\n\n"
        "I only take two commissions at a time so I can answer your messages the same day. An "
        "engagement ring takes about six weeks from the moment you choose your stone."
    ),
    materials=(
        MaterialSpec(
            "Fairmined 18ct gold",
            Kind.METAL,
            "a Fairmined-certified artisanal cooperative in Puno, Peru",
            "Affinerie du Rhône in Lyon",
            "Miners are paid a premium that goes back into their community.",
            certification=Cert.FAIRMINED,
        ),
        MaterialSpec(
            "Recycled 18ct gold",
            Kind.METAL,
            "old jewellery and dental gold, refined in Paris",
            "Affinage Saint-Denis",
            "For pieces where Fairmined isn't available in the colour you want.",
            recycled=True,
            certification=Cert.RJC,
        ),
        MaterialSpec(
            "Ceylon sapphires",
            Kind.STONE,
            "Ratnapura, Sri Lanka, cut in Beruwala",
            "Maison Perera in Geneva",
            "Unheated where I can find them, and I always tell you if not.",
        ),
        MaterialSpec(
            "Recut antique diamonds",
            Kind.STONE,
            "antique jewellery, recut in Antwerp",
            "Diamantslijperij Peeters in Antwerp",
            "No new mining; each stone already has a history.",
            recycled=True,
        ),
        MaterialSpec(
            "Zambian emeralds",
            Kind.STONE,
            "the Kafubu area of the Copperbelt, Zambia",
            "Maison Perera in Geneva",
            "Traceable to the mine, though no certification covers them.",
        ),
    ),
    pieces=(
        PieceSpec(
            "Sapphire solitaire",
            "rings",
            148000,
            (5, 7),
            "A round sapphire held high in a Fairmined 18ct gold bezel on a slim, comfortable "
            "band. You choose the stone from three I send you photos of, in daylight.",
            (
                "Fairmined 18ct gold",
                "Ceylon sapphires",
                "Recut antique diamonds",
                "Zambian emeralds",
            ),
            "ring",
            {"metal": "gold18", "stone": "sapphire", "band": 16},
            "A slim 18ct gold ring set with a round blue sapphire",
            photos=(
                (
                    {"metal": "gold18", "stone": "diamond", "band": 16},
                    "The solitaire with a recut antique diamond",
                ),
                (
                    {"metal": "rose", "stone": "emerald", "band": 16},
                    "The solitaire in rose gold with an emerald",
                ),
            ),
            options=(
                RING_SIZE,
                choice(
                    "Stone",
                    ("Ceylon sapphire", 0),
                    ("Zambian emerald", 22000),
                    ("Recut antique diamond", 48000),
                ),
                choice("Gold", ("18ct yellow", 0), ("18ct rose", 0), ("18ct white", 9000)),
                engraving(15),
            ),
            featured=True,
        ),
        PieceSpec(
            "Fairmined wedding band",
            "rings",
            69000,
            (4, 6),
            "A softly rounded band in Fairmined 18ct gold, comfortable enough to never take "
            "off. Made in the width you choose, with words inside if you want them.",
            ("Fairmined 18ct gold",),
            "ring",
            {"metal": "gold18", "band": 24},
            "A plain polished 18ct gold wedding band standing on a table",
            photos=(({"metal": "white", "band": 24}, "The wedding band in 18ct white gold"),),
            options=(
                RING_SIZE,
                choice("Width", ("2 mm", 0), ("3 mm", 18000), ("4 mm", 34000)),
                choice("Gold", ("18ct yellow", 0), ("18ct rose", 0), ("18ct white", 9000)),
                engraving(25),
            ),
        ),
        PieceSpec(
            "Birthstone studs",
            "earrings",
            32000,
            (3, 4),
            "Two small stones in gold bezels on Fairmined gold posts, made for a birth month, "
            "an anniversary, or just a colour you love.",
            ("Fairmined 18ct gold", "Ceylon sapphires"),
            "earrings",
            {"metal": "gold18", "style": "stud", "stone": "aquamarine"},
            "A pair of gold stud earrings set with pale blue aquamarines",
            photos=(
                (
                    {"metal": "gold18", "style": "stud", "stone": "ruby"},
                    "The studs with July's rubies",
                ),
            ),
            options=(BIRTHSTONE,),
        ),
        PieceSpec(
            "Emerald drop pendant",
            "necklaces",
            54000,
            (4, 5),
            "A gold teardrop with a small Zambian emerald at its foot, on a fine 18ct chain. "
            "Light enough to wear every day.",
            ("Fairmined 18ct gold", "Zambian emeralds", "Ceylon sapphires"),
            "pendant",
            {"metal": "gold18", "shape": "drop", "stone": "emerald"},
            "A gold teardrop pendant set with a green emerald, on a fine chain",
            photos=(
                (
                    {"metal": "gold18", "shape": "drop", "stone": "sapphire"},
                    "The drop pendant with a sapphire",
                ),
            ),
            options=(choice("Stone", ("Zambian emerald", 0), ("Ceylon sapphire", 0)), CHAIN),
        ),
        PieceSpec(
            "Little gold hoops",
            "earrings",
            38000,
            (3, 4),
            "Fifteen-millimetre hoops in recycled 18ct gold with a hinged snap, for everyday and "
            "for sleeping in.",
            ("Recycled 18ct gold",),
            "earrings",
            {"metal": "gold18", "style": "hoop"},
            "A pair of small polished gold hoop earrings lying on a table",
            options=(choice("Gold", ("18ct yellow", 0), ("18ct rose", 0)),),
        ),
        PieceSpec(
            "Leaf pendant",
            "necklaces",
            46000,
            (4, 5),
            "A gold leaf with its veins chased by hand. Still refining the chasing.",
            ("Fairmined 18ct gold",),
            "pendant",
            {"metal": "gold18", "shape": "leaf"},
            "A gold leaf pendant with chased veins on a fine chain",
            status="draft",
        ),
    ),
)

MAKERS = (MARA, TOMAS, INES, SAOIRSE, LUCA, ADA, JONAS, AURELIE)
