"""A small PNG and PNM writer for test images: every colour type, bit depth, filter type and
Adam7 interlacing (Pillow cannot write interlaced or 16-bit RGB PNGs), rows streamed so huge
images never sit in memory. Samples come in as numpy arrays of shape (width, channels)."""
import struct
import zlib

import numpy as np

CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def pack(samples, bit_depth):
    """Packs a (width, channels) array of samples into PNG scanline bytes (no filter byte)."""
    flat = np.asarray(samples).reshape(-1)
    if bit_depth == 16:
        return flat.astype(">u2").tobytes()
    if bit_depth == 8:
        return flat.astype(np.uint8).tobytes()
    per_byte = 8 // bit_depth
    padded = np.zeros(-(-len(flat) // per_byte) * per_byte, dtype=np.uint16)
    padded[: len(flat)] = flat
    groups = padded.reshape(-1, per_byte)
    shifts = np.array([8 - bit_depth * (i + 1) for i in range(per_byte)], dtype=np.uint16)
    return (groups << shifts).sum(axis=1).astype(np.uint8).tobytes()


def filtered(raw, prior, kind, bpp):
    """PNG filter `kind` (0-4) applied to scanline bytes `raw` given the previous scanline."""
    x = np.frombuffer(raw, dtype=np.uint8).astype(np.int16)
    up = np.frombuffer(prior, dtype=np.uint8).astype(np.int16) if prior is not None else np.zeros_like(x)
    left = np.concatenate([np.zeros(bpp, dtype=np.int16), x[:-bpp]]) if len(x) > bpp else np.zeros_like(x)
    upleft = np.concatenate([np.zeros(bpp, dtype=np.int16), up[:-bpp]]) if len(x) > bpp else np.zeros_like(x)
    if kind == 0:
        out = x
    elif kind == 1:
        out = x - left
    elif kind == 2:
        out = x - up
    elif kind == 3:
        out = x - (left + up) // 2
    else:
        p = left + up - upleft
        pa, pb, pc = np.abs(p - left), np.abs(p - up), np.abs(p - upleft)
        predictor = np.where((pa <= pb) & (pa <= pc), left, np.where(pb <= pc, up, upleft))
        out = x - predictor
    return bytes([kind]) + (out & 0xFF).astype(np.uint8).tobytes()


def _chunk(out, kind, data):
    out.write(struct.pack(">I", len(data)) + kind + data)
    out.write(struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def write_png(path, width, height, color_type, bit_depth, row_at, palette=None, trns=None,
              interlaced=False, filter_for_row=lambda y: y % 5, idat_size=8192, level=6,
              chunks_before=(), chunks_after=()):
    """Writes a PNG. `row_at(y)` returns row y as a (width, channels) array; with
    `interlaced`, every row is requested up front (small images only). `chunks_before` and
    `chunks_after` are extra (type, data) chunks written before PLTE and after the last IDAT."""
    channels = CHANNELS[color_type]
    bpp = max(1, channels * bit_depth // 8)
    compressor = zlib.compressobj(level)
    with open(path, "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n")
        _chunk(out, b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 1 if interlaced else 0))
        _chunk(out, b"tEXt", b"Software\x00mobius-dhash tools/pnglib.py")
        for kind, data in chunks_before:
            _chunk(out, kind, data)
        if palette is not None:
            _chunk(out, b"PLTE", bytes(np.asarray(palette, dtype=np.uint8).reshape(-1)))
        if trns is not None:
            _chunk(out, b"tRNS", trns)
        pending = bytearray()

        def emit(line):
            pending.extend(compressor.compress(line))
            while len(pending) >= idat_size:
                _chunk(out, b"IDAT", bytes(pending[:idat_size]))
                del pending[:idat_size]

        if interlaced:
            image = np.stack([np.asarray(row_at(y)).reshape(width, channels) for y in range(height)])
            for x0, y0, dx, dy in ADAM7:
                sub = image[y0::dy, x0::dx]
                if sub.shape[0] == 0 or sub.shape[1] == 0:
                    continue
                prior = None
                for index, row in enumerate(sub):
                    raw = pack(row, bit_depth)
                    emit(filtered(raw, prior, filter_for_row(index), bpp))
                    prior = raw
        else:
            prior = None
            for y in range(height):
                raw = pack(np.asarray(row_at(y)).reshape(width, channels), bit_depth)
                emit(filtered(raw, prior, filter_for_row(y), bpp))
                prior = raw
        pending.extend(compressor.flush())
        while pending:
            _chunk(out, b"IDAT", bytes(pending[:idat_size]))
            del pending[:idat_size]
        for kind, data in chunks_after:
            _chunk(out, kind, data)
        _chunk(out, b"IEND", b"")


def write_pnm(path, magic, width, height, maxval, rows, comment=None, plain_line=16):
    """Writes a PNM. `rows` is an (height, width, channels) integer array (bits 1 = black for
    P1/P4)."""
    rows = np.asarray(rows)
    with open(path, "wb") as out:
        header = f"{magic}\n"
        if comment:
            header += f"# {comment}\n"
        header += f"{width} {height}\n"
        if magic not in ("P1", "P4"):
            header += f"{maxval}\n"
        out.write(header.encode())
        if magic == "P4":
            for row in rows.reshape(height, width):
                out.write(np.packbits(row.astype(np.uint8)).tobytes())
        elif magic in ("P5", "P6"):
            dtype = np.uint8 if maxval < 256 else ">u2"
            out.write(rows.astype(dtype).tobytes())
        elif magic == "P1":
            for row in rows.reshape(height, width):
                out.write(("".join(str(int(v)) for v in row) + "\n").encode())
        else:
            flat = [str(int(v)) for v in rows.reshape(-1)]
            for start in range(0, len(flat), plain_line):
                out.write((" ".join(flat[start:start + plain_line]) + "\n").encode())
