"""Encrypted values for the synthetic dataset.

Fernet needs Python, so the texts are encrypted here once, as small pools that the
set-based INSERTs join by row number; only NIKs, which must be unique per person to
keep duplicate detection realistic, are encrypted one by one. The keyed hashes are
computed in SQL by an HMAC-SHA256 built from PostgreSQL's sha256(), fed with the pads
of IDENTITY_HASH_KEY (``hmac_sql``), so they equal ``cases.encryption.identity_hash``.
"""

# ruff: noqa: S608

import hashlib
import io

from django.conf import settings

from cases.encryption import encrypt, normalise_name
from cases.models.choices import Sex

FEMALE_GIVEN = [
    "Siti",
    "Ayu",
    "Dewi",
    "Putri",
    "Nur",
    "Rina",
    "Wulan",
    "Indah",
    "Sari",
    "Fitri",
    "Lestari",
    "Anisa",
    "Dian",
    "Maya",
    "Nabila",
    "Aisyah",
    "Zahra",
    "Salsabila",
    "Kirana",
    "Citra",
    "Intan",
    "Ratna",
    "Melati",
    "Puspita",
    "Yuliana",
    "Novita",
    "Rahma",
    "Kartika",
    "Bunga",
    "Annisa",
    "Hana",
    "Larasati",
    "Safira",
    "Aulia",
    "Nadia",
    "Tiara",
    "Vina",
    "Widya",
    "Yasmin",
    "Eka",
]
MALE_GIVEN = [
    "Ahmad",
    "Budi",
    "Rizky",
    "Agus",
    "Dedi",
    "Eko",
    "Fajar",
    "Hendra",
    "Irfan",
    "Joko",
    "Bayu",
    "Dimas",
    "Gilang",
    "Hafiz",
    "Ilham",
    "Yusuf",
    "Arif",
    "Bagas",
    "Rafi",
    "Reza",
    "Wahyu",
    "Yoga",
    "Adit",
    "Bima",
    "Cahyo",
    "Galih",
    "Hadi",
    "Iwan",
    "Krisna",
    "Lukman",
    "Raka",
    "Satria",
    "Teguh",
    "Umar",
    "Wira",
    "Yanto",
    "Zaki",
    "Andi",
    "Doni",
    "Firman",
]
FAMILY = [
    "Saputra",
    "Putri",
    "Pratama",
    "Wijaya",
    "Santoso",
    "Hidayat",
    "Nugroho",
    "Kusuma",
    "Siregar",
    "Nasution",
    "Simanjuntak",
    "Lubis",
    "Harahap",
    "Sinaga",
    "Manurung",
    "Tanjung",
    "Pohan",
    "Daulay",
    "Rahman",
    "Halim",
    "Setiawan",
    "Gunawan",
    "Susanto",
    "Wibowo",
    "Kurniawan",
    "Hakim",
    "Ramadhan",
    "Syahputra",
    "Firmansyah",
    "Maulana",
    "Hasibuan",
    "Pane",
    "Sembiring",
    "Ginting",
    "Tarigan",
    "Lumban",
    "Latuconsina",
    "Pattiasina",
    "Rumbiak",
    "Wenda",
]
STREETS = [
    "Melati",
    "Mawar",
    "Kenanga",
    "Flamboyan",
    "Cendana",
    "Merdeka",
    "Sudirman",
    "Diponegoro",
    "Gatot",
    "Subroto",
    "Ahmad",
    "Yani",
    "Pattimura",
    "Imam",
    "Bonjol",
    "Veteran",
    "Pahlawan",
    "Kartini",
    "Cempaka",
    "Anggrek",
    "Dahlia",
    "Teratai",
    "Beringin",
]
STORIES = (
    "Anak dilaporkan mengalami kekerasan fisik oleh orang dewasa di lingkungan rumah.",
    "Tetangga melaporkan anak sering ditinggal sendirian tanpa pengasuhan.",
    "Guru melihat memar pada lengan anak dan melapor ke sekolah.",
    "Anak menceritakan perlakuan tidak pantas kepada wali kelas.",
    "Anak ditemukan bekerja di jalan pada malam hari.",
    "Keluarga melaporkan anak dihubungi orang tidak dikenal melalui media sosial.",
    "Anak tidak bersekolah selama beberapa bulan dan tampak kurang gizi.",
    "Petugas puskesmas mencurigai tanda kekerasan saat pemeriksaan.",
)
NOTES = (
    "Pendampingan lanjutan sesuai rencana intervensi.",
    "Layanan diberikan dan kondisi anak stabil.",
    "Perlu koordinasi dengan instansi terkait.",
    "Keluarga bersedia mengikuti konseling.",
    "Anak dirujuk untuk pemeriksaan lanjutan.",
    "Tindak lanjut disepakati dalam rapat.",
)

# Pool name -> how many encrypted values it holds.
POOL_SIZES = {
    f"name_{Sex.FEMALE}": 400,
    f"name_{Sex.MALE}": 400,
    "address": 400,
    "school": 120,
    "phone": 400,
    "kk": 400,
    "chronology": 240,
    "note": 60,
}


def _name(sex: str, k: int) -> str:
    given = FEMALE_GIVEN if sex == Sex.FEMALE else MALE_GIVEN
    first = given[k % len(given)]
    family = FAMILY[(k * 7 + k // len(given)) % len(FAMILY)]
    if k % 5 == 0:  # some children carry one name only, as many Indonesians do
        return first
    return f"{first} {family}"


def _initials(name: str) -> str:
    # The same rule as Person.refresh_derived_fields.
    return "".join(word[0] for word in name.split()[:2]).upper()


def _plain(kind: str, k: int) -> str:
    street = STREETS[k % len(STREETS)]
    if kind == "address":
        return f"Jl. {street} No. {k % 97 + 1}, RT {k % 13 + 1:03d}/RW {k % 7 + 1:03d}"
    if kind == "school":
        level = ("SD", "SMP", "SMA", "MI", "MTs")[k % 5]
        return f"{level} Negeri {k // 5 + 1}"
    if kind == "phone":
        return f"08{(k * 7919) % 10**10:010d}"
    if kind == "kk":
        return f"64{(k * 104729) % 10**14:014d}"
    if kind == "chronology":
        return f"{STORIES[k % len(STORIES)]} Laporan ke-{k + 1}."
    if kind == "note":
        return NOTES[k % len(NOTES)]
    raise ValueError(kind)


def _values(kind: str) -> list[str]:
    size = POOL_SIZES[kind]
    if kind.startswith("name_"):
        return [_name(kind[-1], k) for k in range(size)]
    return [_plain(kind, k) for k in range(size)]


def pools_load(load) -> int:
    """A temp table of pools, one row per value, joined by (kind, number): ``val`` is
    encrypted; a name's initials and normalised form sit in clear beside it (temp,
    dropped at commit). Rows, not arrays: subscripting a large array detoasts it per row."""
    load.run(
        "CREATE TEMP TABLE bench_pool (kind text, k int, val text, initials text, norm text, "
        "PRIMARY KEY (kind, k)) ON COMMIT DROP"
    )
    rows = []
    for kind in POOL_SIZES:
        for k, value in enumerate(_values(kind)):
            named = kind.startswith("name_")
            rows.append(
                (
                    kind,
                    k,
                    encrypt(value),
                    _initials(value) if named else None,
                    normalise_name(value) if named else None,
                )
            )
    load.cursor.executemany("INSERT INTO bench_pool VALUES (%s, %s, %s, %s, %s)", rows)
    load.run("ANALYZE bench_pool")
    return len(rows)


def pool_join(alias: str, kind: str, index_sql: str) -> str:
    """A join bringing the pool value at ``index_sql`` (any non-negative integer, wrapped
    to the pool's size) in as ``<alias>.val``."""
    return (
        f"LEFT JOIN bench_pool {alias} ON {alias}.kind = '{kind}' "
        f"AND {alias}.k = ({index_sql}) % {POOL_SIZES[kind]}"
    )


def hmac_sql(message_sql: str) -> str:
    """SQL for HMAC-SHA256(IDENTITY_HASH_KEY, message) in hex (RFC 2104), written out
    rather than wrapped in a function: PostgreSQL would not inline one in pg_temp."""
    key = settings.IDENTITY_HASH_KEY.encode()
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner = bytes(byte ^ 0x36 for byte in key).hex()
    outer = bytes(byte ^ 0x5C for byte in key).hex()
    return (
        f"encode(sha256('\\x{outer}'::bytea || sha256('\\x{inner}'::bytea "
        f"|| convert_to({message_sql}, 'UTF8'))), 'hex')"
    )


def encrypt_column(load, *, source: str, target: str, batch: int = 100_000) -> int:
    """Encrypt ``source``'s (n, plain) rows one by one into temp table ``target``
    (n, token), in batches so memory stays flat whatever the scale."""
    load.run(f"CREATE TEMP TABLE {target} (n bigint PRIMARY KEY, token text) ON COMMIT DROP")
    done, after = 0, -1
    while True:
        load.cursor.execute(
            f"SELECT n, plain FROM {source} WHERE n > %s ORDER BY n LIMIT %s", [after, batch]
        )
        rows = load.cursor.fetchall()
        if not rows:
            return done
        buffer = io.StringIO()
        buffer.writelines(f"{n}\t{encrypt(plain)}\n" for n, plain in rows)
        buffer.seek(0)
        load.cursor.copy_expert(f"COPY {target} (n, token) FROM STDIN", buffer)
        done += len(rows)
        after = rows[-1][0]
