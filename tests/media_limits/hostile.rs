//! Hostile files made by the test itself, and a way to read this process's peak memory.

use flate2::{Compress, Compression, Crc, FlushCompress};
use image::codecs::gif::{GifEncoder, Repeat};
use image::{Delay, Frame, Rgba, RgbaImage};

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
    out
}

fn png_with(width: u32, height: u32, zlib: &[u8]) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit greyscale
    out.extend(chunk(b"IHDR", &ihdr));
    for part in zlib.chunks(1 << 20) {
        out.extend(chunk(b"IDAT", part));
    }
    out.extend(chunk(b"IEND", &[]));
    out
}

/// A PNG whose header declares 60000 × 60000 pixels, with almost no data behind it.
pub fn png_huge_header() -> Vec<u8> {
    png_with(60_000, 60_000, &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])
}

/// A decompression bomb: a few MB of PNG whose pixel data inflates to 1.6 GB of zeros.
pub fn png_bomb() -> Vec<u8> {
    let (width, height) = (40_000u32, 40_000u32);
    let raw_len = u64::from(height) * (u64::from(width) + 1); // a filter byte starts each row
    // One block of zeros compressed once, then repeated: the stream stays valid because a
    // zero only ever refers back to zeros.
    let block_len = 1u64 << 20;
    let mut compress = Compress::new(Compression::best(), false);
    let mut block = Vec::with_capacity(4096);
    compress.compress_vec(&vec![0u8; block_len as usize], &mut block, FlushCompress::Sync).unwrap();
    assert_eq!(compress.total_in(), block_len, "the block buffer was too small");
    let blocks = raw_len / block_len;
    let rest = raw_len % block_len;
    let mut zlib = vec![0x78, 0xDA];
    for _ in 0..blocks {
        zlib.extend_from_slice(&block);
    }
    let mut tail = Vec::with_capacity(4096);
    let mut last = Compress::new(Compression::best(), false);
    last.compress_vec(&vec![0u8; rest as usize], &mut tail, FlushCompress::Finish).unwrap();
    zlib.extend_from_slice(&tail);
    // Adler-32 of n zero bytes: a = 1, b = n mod 65521.
    let adler = ((raw_len % 65_521) as u32) << 16 | 1;
    zlib.extend_from_slice(&adler.to_be_bytes());
    png_with(width, height, &zlib)
}

/// An animated GIF of `frames` tiny frames.
pub fn gif(frames: usize) -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let mut encoder = GifEncoder::new_with_speed(&mut bytes, 30);
        encoder.set_repeat(Repeat::Infinite).unwrap();
        for i in 0..frames {
            let shade = (i % 256) as u8;
            let frame = Frame::from_parts(
                RgbaImage::from_pixel(4, 4, Rgba([shade, 0, 0, 255])),
                0,
                0,
                Delay::from_numer_denom_ms(20, 1),
            );
            encoder.encode_frame(frame).unwrap();
        }
    }
    bytes
}

/// The peak resident memory of this test process so far, in MiB (Linux).
pub fn peak_rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib / 1024
}
