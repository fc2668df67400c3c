"""Italian names, places and terms the sample data is made of."""

# (town, province, zip code, phone prefix, VAT office code of the province)
TOWNS = (
    ("Milano", "MI", "20121", "02", "015"),
    ("Roma", "RM", "00184", "06", "058"),
    ("Torino", "TO", "10121", "011", "001"),
    ("Bologna", "BO", "40121", "051", "037"),
    ("Firenze", "FI", "50122", "055", "048"),
    ("Napoli", "NA", "80133", "081", "063"),
    ("Venezia", "VE", "30121", "041", "027"),
    ("Verona", "VR", "37121", "045", "023"),
    ("Padova", "PD", "35121", "049", "028"),
    ("Bergamo", "BG", "24121", "035", "016"),
    ("Brescia", "BS", "25121", "030", "017"),
    ("Genova", "GE", "16121", "010", "010"),
    ("Bari", "BA", "70121", "080", "072"),
    ("Palermo", "PA", "90133", "091", "082"),
    ("Forlì", "FC", "47121", "0543", "040"),
    ("Cantù", "CO", "22063", "031", "013"),
    ("Treviso", "TV", "31100", "0422", "026"),
    ("Modena", "MO", "41121", "059", "036"),
    ("Parma", "PR", "43121", "0521", "034"),
    ("Trento", "TN", "38122", "0461", "022"),
)
STREETS = (
    "Via Roma",
    "Corso Buenos Aires",
    "Via Giuseppe Garibaldi",
    "Viale Monza",
    "Via Dante Alighieri",
    "Via Giuseppe Mazzini",
    "Corso Vittorio Emanuele II",
    "Via dei Mille",
    "Via Cavour",
    "Viale della Repubblica",
    "Via San Francesco d'Assisi",
)
SURNAMES = (
    "Rossi", "Bianchi", "Ferrari", "Esposito", "Romano", "Colombo", "Ricci",
    "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa",
    "Giordano", "Rizzo", "Lombardi", "Moretti", "Barbieri",
)  # fmt: skip
SECTORS = (
    "Arredamenti", "Costruzioni", "Logistica", "Alimentari", "Meccanica",
    "Tessile", "Consulting", "Impianti", "Digital", "Ceramiche", "Trasporti",
    "Farmaceutici", "Vini", "Edizioni", "Energia",
)  # fmt: skip
PAYMENT_CONDITIONS = (
    "Bonifico bancario 30 gg d.f.f.m.",
    "Ri.Ba. 60 gg d.f.",
    "Bonifico bancario 90 gg fine mese",
    "Rimessa diretta",
)

# Another company's clients: names that never occur in acme's list.
GLOBEX_BRANDS = (
    ("Officine Bertolini", "S.r.l."),
    ("Cartiera Valsesia", "S.p.A."),
    ("Pasticceria Lanzani", "S.n.c."),
    ("Studio Associato Ferri", "S.r.l."),
    ("Nautica Adriatica", "S.r.l."),
    ("Oleificio Sabino", "S.r.l."),
)
