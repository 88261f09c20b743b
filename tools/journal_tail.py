"""Reads the journal's on-disk format (Sources/Journal/JournalFormat.swift) far enough for
tools/crash-test to find frames, their seqs and sync groups, tear them, and predict what
write-open's recovery will do with the result.

It checks what the format lets it check without the preset dictionary or SHA-256: segment
header magic and CRC, frame magic, flags, minimal varints, field bounds, CRC-32 and seq
continuity. It does not inflate payloads or recompute the chain (the crash test never changes a
frame it does not tear, so an intact CRC means an intact frame here).
"""
import os
import zlib

SECTOR = 512
SEGMENT_HEADER_LENGTH = 64
FRAME_MAGIC = 0xF5
CONTINUES_SYNC_GROUP = 0x04
MAX_STORED = (64 << 20) + (64 << 10)
MAX_UNCOMPRESSED = 64 << 20
MAX_SEQ_OFFSET = 1 << 40
MAX_TS_DELTA = 1 << 48


class Damage(Exception):
    """Bytes that cannot be a frame; `crc_valid` when the CRC held but the seq did not."""

    def __init__(self, offset, reason, crc_valid=False):
        super().__init__(reason)
        self.offset = offset
        self.reason = reason
        self.crc_valid = crc_valid


class Frame:
    __slots__ = ("offset", "length", "flags", "first_seq", "count")

    def __init__(self, offset, length, flags, first_seq, count):
        self.offset, self.length, self.flags, self.first_seq, self.count = offset, length, flags, first_seq, count

    @property
    def end(self):
        return self.offset + self.length

    @property
    def last_seq(self):
        return self.first_seq + self.count - 1

    @property
    def begins_sync_group(self):
        return not self.flags & CONTINUES_SYNC_GROUP

    def __repr__(self):
        return f"frame@{self.offset}+{self.length} seqs {self.first_seq}..{self.last_seq} flags 0x{self.flags:02x}"


def _varint(data, pos):
    value = shift = 0
    for index in range(10):
        if pos + index >= len(data):
            raise Damage(pos, "frame extends past the end of the file")
        byte = data[pos + index]
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            if index > 0 and byte == 0:
                raise Damage(pos, "varint is not minimal")
            return value, pos + index + 1
    raise Damage(pos, "varint longer than 10 bytes")


def decode_frame(data, pos, segment_first_seq, version=2):
    """The frame at `pos` (bounds and CRC checked), or raises Damage."""
    if pos + 2 > len(data):
        raise Damage(pos, "frame extends past the end of the file")
    if data[pos] != FRAME_MAGIC:
        raise Damage(pos, f"byte 0x{data[pos]:02x} where a frame starts")
    flags = data[pos + 1]
    allowed = 0x07 if version >= 2 else 0x03
    if flags & ~allowed or flags & 0x03 > 1:
        raise Damage(pos, f"flags 0x{flags:02x}")
    fields = []
    cursor = pos + 2
    for _ in range(6):
        value, cursor = _varint(data, cursor)
        if value > MAX_TS_DELTA:
            raise Damage(pos, "header field out of range")
        fields.append(value)
    stored, uncompressed, seq_offset, count, ts_delta, ts_span = fields
    if (stored > MAX_STORED or not 1 <= uncompressed <= MAX_UNCOMPRESSED or (flags & 0x03 == 0 and stored != uncompressed)
            or seq_offset >= MAX_SEQ_OFFSET or not 1 <= count <= uncompressed
            or ts_delta >= MAX_TS_DELTA or ts_span >= MAX_TS_DELTA):
        raise Damage(pos, "header field out of bounds")
    tag_end = cursor + 8
    payload_start = tag_end + 4
    end = payload_start + stored
    if end > len(data):
        raise Damage(pos, "frame extends past the end of the file")
    stored_crc = int.from_bytes(data[tag_end:payload_start], "little")
    if zlib.crc32(data[payload_start:end], zlib.crc32(data[pos:tag_end])) != stored_crc:
        raise Damage(pos, "CRC-32 mismatch")
    return Frame(pos, end - pos, flags, segment_first_seq + seq_offset, count)


class Segment:
    """One segment file as scanned: header fields, the frames that verify, and how it ends."""

    def __init__(self, folder, name):
        self.name = name
        self.path = os.path.join(folder, name)
        with open(self.path, "rb") as handle:
            self.data = handle.read()
        self.size = len(self.data)
        self.frames = []
        self.damage = None
        self.header_ok = False
        self.first_seq = int(name[:20])
        self.version = 2
        data = self.data
        if (self.size < SEGMENT_HEADER_LENGTH or data[:4] != b"MDJ1"
                or zlib.crc32(data[:60]) != int.from_bytes(data[60:64], "little")):
            self.end = 0
            return
        self.header_ok = True
        self.version = int.from_bytes(data[4:6], "little")
        self.first_seq = int.from_bytes(data[12:20], "little")
        pos = int.from_bytes(data[6:8], "little")
        next_seq = self.first_seq
        while pos < self.size:
            if data[pos] == 0:
                rest = data[pos:]
                stripped = rest.lstrip(b"\x00")
                if stripped:
                    self.damage = Damage(pos + len(rest) - len(stripped), "non-zero bytes where only zero padding may be")
                break
            try:
                frame = decode_frame(data, pos, self.first_seq, self.version)
            except Damage as damage:
                self.damage = damage
                break
            if frame.first_seq != next_seq:
                self.damage = Damage(pos, f"frame starts at seq {frame.first_seq}, expected {next_seq}", crc_valid=True)
                break
            self.frames.append(frame)
            next_seq = frame.last_seq + 1
            pos = frame.end
        self.end = pos  # after the last frame that verifies: where recovery would cut

    @property
    def written_end(self):
        """One past the last non-zero byte (frames and any damaged bytes after them)."""
        return last_nonzero_end(self.data, 0)

    def frame_holding(self, seq):
        return next((frame for frame in self.frames if frame.first_seq <= seq <= frame.last_seq), None)


def last_nonzero_end(data, start):
    stripped = data[start:].rstrip(b"\x00")
    return start + len(stripped)


def segment_names(folder):
    return sorted(name for name in os.listdir(folder) if len(name) == 24 and name.endswith(".seg") and name[:20].isdigit())


def index_end_offset(folder, segment_name):
    """The end offset an index file says it covers, or 0 when there is none (or it is not an index)."""
    try:
        with open(os.path.join(folder, segment_name[:-4] + ".idx"), "rb") as handle:
            head = handle.read(32)
    except FileNotFoundError:
        return 0
    return int.from_bytes(head[24:32], "little") if len(head) == 32 and head[:4] == b"MDX1" else 0


def valid_group_start_after(data, start, segment_first_seq, version):
    """Offset of a CRC-valid frame beginning a sync group that starts anywhere in data[start:]."""
    pos = data.find(bytes([FRAME_MAGIC]), start)
    while pos != -1:
        try:
            frame = decode_frame(data, pos, segment_first_seq, version)
            if frame.begins_sync_group:
                return pos
        except Damage:
            pass
        pos = data.find(bytes([FRAME_MAGIC]), pos + 1)
    return None


class WouldRefuse(Exception):
    """The folder is in a state write-open is right to refuse: the crash test modelled no crash."""


def expected_recoveries(folder):
    """What write-open's recovery should report for `folder` (a journal folder): a list of
    (segment, offset, bytes, quarantined bytes) in the order the `journal.recovered` events come.
    Raises WouldRefuse when the last segment's damage is not a torn tail by the format's rules."""
    names = segment_names(folder)
    reports = []
    if not names:
        return reports
    last = Segment(folder, names[-1])
    if not last.header_ok:
        if any(_decodes(last.data, pos, last.first_seq) for pos in _magic_positions(last.data)):
            raise WouldRefuse(f"{last.name}: invalid header but a valid frame inside")
        reports.append((last.name, 0, last.size, last.data))
        if len(names) == 1:
            return reports
        last = Segment(folder, names[-2])
        if not last.header_ok:
            raise WouldRefuse(f"{last.name}: invalid header in a segment that is not the last")
    if last.damage is not None:
        if last.damage.crc_valid:
            raise WouldRefuse(f"{last.name}: {last.damage.reason} at byte {last.damage.offset}")
        later = valid_group_start_after(last.data, last.end + 1, last.first_seq, last.version)
        if later is not None:
            raise WouldRefuse(f"{last.name}: damage at byte {last.damage.offset} ({last.damage.reason}) "
                              f"is followed by a frame beginning a sync group at byte {later}")
        used = last_nonzero_end(last.data, last.end)
        reports.append((last.name, last.end, used - last.end, last.data[last.end:used]))
    return reports


def _magic_positions(data):
    pos = data.find(bytes([FRAME_MAGIC]))
    while pos != -1:
        yield pos
        pos = data.find(bytes([FRAME_MAGIC]), pos + 1)


def _decodes(data, pos, first_seq):
    try:
        decode_frame(data, pos, first_seq)
        return True
    except Damage:
        return False


def sector_tear(start, end, rng):
    """One 512-byte-aligned sector's intersection with [start, end), chosen at random."""
    sector = rng.randrange(start // SECTOR, (end - 1) // SECTOR + 1)
    return max(start, sector * SECTOR), min(end, (sector + 1) * SECTOR)


def from_boundary_tear(start, end, rng):
    """[b, end) for a random sector boundary b with start < b < end (a prefix survives), or None."""
    first = start // SECTOR + 1
    last = (end - 1) // SECTOR
    if first > last:
        return None
    return rng.randrange(first, last + 1) * SECTOR, end


def apply_zero(path, start, end):
    """Zeroes [start, end) of the file; returns whether any byte changed."""
    with open(path, "r+b") as handle:
        handle.seek(start)
        before = handle.read(end - start)
        handle.seek(start)
        handle.write(b"\x00" * (end - start))
        handle.flush()
        os.fsync(handle.fileno())
    return any(before)


def apply_random(path, start, end, rng):
    """Overwrites [start, end) with random bytes, at least one of them non-zero; returns True."""
    noise = bytearray(rng.randbytes(end - start))
    if not any(noise):
        noise[rng.randrange(len(noise))] = rng.randint(1, 255)
    with open(path, "r+b") as handle:
        handle.seek(start)
        handle.write(noise)
        handle.flush()
        os.fsync(handle.fileno())
    return True
