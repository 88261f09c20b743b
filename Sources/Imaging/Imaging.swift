// Imaging: PNG/PNM decoding, Pillow-exact resampling, dHash. Pure: bytes in, values out.
