"""A small DICOM writer for StudyIntake's sample discs.

It writes exactly the bytes it is told to, which a real toolkit would refuse to do: raw datasets
without meta, big endian, deflate, values in any character set (or wrong ones), DICOMDIRs that point
at missing files or outside the disc. Used only by Scripts/make-sample-studies and the benchmark
corpus generator; the product reads DICOM through DCMTK.
"""

import struct
import uuid
import zlib

IMPLICIT_LITTLE = "1.2.840.10008.1.2"
EXPLICIT_LITTLE = "1.2.840.10008.1.2.1"
DEFLATED_EXPLICIT_LITTLE = "1.2.840.10008.1.2.1.99"
EXPLICIT_BIG = "1.2.840.10008.1.2.2"
JPEG_LOSSLESS_SV1 = "1.2.840.10008.1.2.4.70"
JPEG_2000 = "1.2.840.10008.1.2.4.90"
RLE_LOSSLESS = "1.2.840.10008.1.2.5"
ENCAPSULATED = {JPEG_LOSSLESS_SV1, JPEG_2000, RLE_LOSSLESS}

MEDIA_STORAGE_DIRECTORY = "1.2.840.10008.1.3.10"
IMPLEMENTATION_CLASS_UID = "2.25.241146425658139358361839563476125339951"
IMPLEMENTATION_VERSION = "STUDYINTAKE_1"

LONG_LENGTH_VRS = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV"}
TEXT_VRS = {"AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UR", "UT"}
BINARY_FORMATS = {"US": "H", "SS": "h", "UL": "I", "SL": "i", "FL": "f", "FD": "d"}

_UID_NAMESPACE = uuid.UUID("6f1c2f4e-8a0f-4c55-9a61-7d7c1f0c5e11")


def uid(name):
    """A valid, deterministic UID (2.25 form) derived from a name."""
    return "2.25." + str(uuid.uuid5(_UID_NAMESPACE, name).int)


def format_number(value):
    """A DS/IS string for a number, at most 16 characters."""
    if isinstance(value, int):
        return str(value)
    text = repr(round(value, 6))
    if text.endswith(".0"):
        text = text[:-2]
    return text[:16]


class Element:
    """One data element: tag as (group, element), VR, and a value.

    The value is bytes (written as is), a str, a number, a list of those, or for SQ a list of
    datasets (dicts). `vr_on_wire` writes another VR than the real one (a VR UN for a known tag).
    """

    def __init__(self, tag, vr, value, encoding="ascii", vr_on_wire=None, undefined_length=False,
                 undefined_item_length=None):
        self.tag = tag
        self.vr = vr
        self.value = value
        self.encoding = encoding
        self.vr_on_wire = vr_on_wire or vr
        self.undefined_length = undefined_length
        # A sequence's items: of undefined length (ended by an item delimiter) like the sequence,
        # unless said otherwise.
        self.undefined_item_length = undefined_length if undefined_item_length is None else undefined_item_length


def encode_value(element, little):
    vr, value = element.vr, element.value
    if isinstance(value, bytes):
        data = value
    elif vr in BINARY_FORMATS:
        values = value if isinstance(value, list) else [value]
        data = struct.pack(("<" if little else ">") + BINARY_FORMATS[vr] * len(values), *values)
    elif vr == "UI":
        values = value if isinstance(value, list) else [value]
        data = "\\".join(values).encode("ascii")
    elif vr in ("DS", "IS"):
        values = value if isinstance(value, list) else [value]
        data = "\\".join(format_number(v) for v in values).encode("ascii")
    elif vr in TEXT_VRS or vr in ("OB", "UN"):
        values = value if isinstance(value, list) else [value]
        data = "\\".join(values).encode(element.encoding)
    else:
        raise ValueError(f"cannot encode {vr} value {value!r}")
    if len(data) % 2:
        data += b"\0" if vr in ("UI", "OB", "UN") else b" "
    return data


def encode_dataset(dataset, explicit=True, little=True):
    """Encode a dataset ({tag: Element}) in tag order."""
    out = bytearray()
    endian = "<" if little else ">"
    for tag in sorted(dataset):
        element = dataset[tag]
        group, number = tag
        if element.vr == "SQ":
            items = bytearray()
            for item in element.value:
                body = encode_dataset(item, explicit, little)
                if element.undefined_item_length:
                    items += struct.pack(endian + "HHI", 0xFFFE, 0xE000, 0xFFFFFFFF) + body
                    items += struct.pack(endian + "HHI", 0xFFFE, 0xE00D, 0)
                else:
                    items += struct.pack(endian + "HHI", 0xFFFE, 0xE000, len(body)) + body
            length = 0xFFFFFFFF if element.undefined_length else len(items)
            if element.undefined_length:
                items += struct.pack(endian + "HHI", 0xFFFE, 0xE0DD, 0)
            data = bytes(items)
        elif isinstance(element.value, EncapsulatedPixelData):
            data = element.value.encode(endian)
            length = 0xFFFFFFFF
        else:
            data = encode_value(element, little)
            length = len(data)
        out += struct.pack(endian + "HH", group, number)
        if explicit:
            vr = element.vr_on_wire
            if vr in LONG_LENGTH_VRS:
                out += vr.encode("ascii") + b"\0\0" + struct.pack(endian + "I", length)
            else:
                out += vr.encode("ascii") + struct.pack(endian + "H", length)
        else:
            out += struct.pack(endian + "I", length)
        out += data
    return bytes(out)


class EncapsulatedPixelData:
    """Pixel Data in fragments (an empty offset table, one fragment per frame)."""

    def __init__(self, fragments):
        self.fragments = fragments

    def encode(self, endian):
        out = struct.pack(endian + "HHI", 0xFFFE, 0xE000, 0)
        for fragment in self.fragments:
            if len(fragment) % 2:
                fragment += b"\0"
            out += struct.pack(endian + "HHI", 0xFFFE, 0xE000, len(fragment)) + fragment
        return out + struct.pack(endian + "HHI", 0xFFFE, 0xE0DD, 0)


def meta_group(sop_class_uid, sop_instance_uid, transfer_syntax_uid):
    elements = {
        (0x0002, 0x0001): Element((0x0002, 0x0001), "OB", b"\x00\x01"),
        (0x0002, 0x0002): Element((0x0002, 0x0002), "UI", sop_class_uid),
        (0x0002, 0x0003): Element((0x0002, 0x0003), "UI", sop_instance_uid),
        (0x0002, 0x0010): Element((0x0002, 0x0010), "UI", transfer_syntax_uid),
        (0x0002, 0x0012): Element((0x0002, 0x0012), "UI", IMPLEMENTATION_CLASS_UID),
        (0x0002, 0x0013): Element((0x0002, 0x0013), "SH", IMPLEMENTATION_VERSION),
    }
    body = encode_dataset(elements)
    length = Element((0x0002, 0x0000), "UL", len(body))
    return encode_dataset({(0x0002, 0x0000): length}) + body


def part10(dataset, transfer_syntax_uid, preamble=True, meta=True):
    """The bytes of a DICOM file: preamble, meta group and dataset in the given transfer syntax."""
    sop_class = dataset[(0x0008, 0x0016)].value
    sop_instance = dataset[(0x0008, 0x0018)].value
    explicit = transfer_syntax_uid != IMPLICIT_LITTLE
    little = transfer_syntax_uid != EXPLICIT_BIG
    body = encode_dataset(dataset, explicit, little)
    if transfer_syntax_uid == DEFLATED_EXPLICIT_LITTLE:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        body = compressor.compress(body) + compressor.flush()
        if len(body) % 2:
            body += b"\0"
    head = b""
    if preamble:
        head += b"\0" * 128 + b"DICM"
    if meta:
        head += meta_group(sop_class, sop_instance, transfer_syntax_uid)
    return head + body


def dicomdir(records, fileset_id="STUDYINTAKE", undefined_sequence_length=False, undefined_item_length=False):
    """The bytes of a DICOMDIR.

    `records` is a list of top-level record dicts: {"type": "PATIENT", "keys": {tag: Element},
    "children": [...], "in_use": True}. The Directory Record Sequence and its items (the records)
    are of defined or undefined length, as asked (Philips and dcm4che write undefined-length
    records). Offsets are computed: items are fixed in size once encoded, so a first pass measures
    them and a second pass writes the real offsets.
    """
    flat = []

    def walk(siblings, parent_index):
        indices = []
        for record in siblings:
            index = len(flat)
            flat.append({"record": record, "next": None, "lower": None})
            indices.append(index)
            children = walk(record.get("children", []), index)
            flat[index]["lower"] = children[0] if children else None
        for this, following in zip(indices, indices[1:]):
            flat[this]["next"] = following
        return indices

    walk(records, None)

    def record_item(entry, offsets):
        record = entry["record"]
        item = dict(record.get("keys", {}))
        item[(0x0004, 0x1400)] = Element((0x0004, 0x1400), "UL", offsets[entry["next"]] if entry["next"] is not None else 0)
        item[(0x0004, 0x1410)] = Element((0x0004, 0x1410), "US", 0xFFFF if record.get("in_use", True) else 0x0000)
        item[(0x0004, 0x1420)] = Element((0x0004, 0x1420), "UL", offsets[entry["lower"]] if entry["lower"] is not None else 0)
        item[(0x0004, 0x1430)] = Element((0x0004, 0x1430), "CS", record["type"])
        return item

    # An item's bytes beyond its elements: its header, and its delimiter when of undefined length.
    item_overhead = 16 if undefined_item_length else 8
    sequence_delimiter = 8 if undefined_sequence_length else 0

    def encode(offsets):
        items = [record_item(entry, offsets) for entry in flat]
        roots = [i for i, e in enumerate(flat) if any(e["record"] is r for r in records)]
        dataset = {
            (0x0004, 0x1130): Element((0x0004, 0x1130), "CS", fileset_id),
            (0x0004, 0x1200): Element((0x0004, 0x1200), "UL", offsets[roots[0]] if roots else 0),
            (0x0004, 0x1202): Element((0x0004, 0x1202), "UL", offsets[roots[-1]] if roots else 0),
            (0x0004, 0x1212): Element((0x0004, 0x1212), "US", 0),
            (0x0004, 0x1220): Element((0x0004, 0x1220), "SQ", items, undefined_length=undefined_sequence_length,
                                      undefined_item_length=undefined_item_length),
        }
        sop_instance = uid("dicomdir " + fileset_id)
        head = b"\0" * 128 + b"DICM" + meta_group(MEDIA_STORAGE_DIRECTORY, sop_instance, EXPLICIT_LITTLE)
        body = encode_dataset(dataset)
        # Offsets of the items: the sequence is the last element; its items follow its 12-byte header.
        sizes = [len(encode_dataset(i)) + item_overhead for i in items]
        position = len(head) + len(body) - sequence_delimiter - sum(sizes)
        real = []
        for size in sizes:
            real.append(position)
            position += size
        return head + body, real

    placeholder = [0] * len(flat)
    _, offsets = encode(placeholder)
    data, check = encode(offsets)
    assert check == offsets
    return data
