//! Image files made by the tests themselves: ordinary pictures and hostile ones.

use flate2::{Compress, Compression, Crc, FlushCompress};
use image::codecs::gif::{GifEncoder, Repeat};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{Delay, DynamicImage, Frame, Rgb, RgbImage, Rgba, RgbaImage};

/// A PNG of the given size with a gradient (so it does not compress to nothing).
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 120]));
    let mut bytes = Vec::new();
    DynamicImage::ImageRgb8(image).write_with_encoder(PngEncoder::new(&mut bytes)).unwrap();
    bytes
}

/// A 40 × 20 JPEG, red on the left and blue on the right, carrying EXIF with orientation 6
/// ("turn 90° clockwise to show") and a GPS position.
pub fn jpeg_with_gps() -> Vec<u8> {
    let image = RgbImage::from_fn(40, 20, |x, _| if x < 20 { Rgb([230, 20, 20]) } else { Rgb([20, 20, 230]) });
    let mut jpeg = Vec::new();
    DynamicImage::ImageRgb8(image).write_with_encoder(JpegEncoder::new_with_quality(&mut jpeg, 95)).unwrap();
    let exif = exif_segment();
    // APP1 goes right after the start-of-image marker.
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&exif);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The GPS latitude the EXIF carries, as its raw bytes: found anywhere means it leaked.
pub const GPS_LATITUDE: [u8; 24] = [0, 0, 0, 51, 0, 0, 0, 1, 0, 0, 0, 30, 0, 0, 0, 1, 0, 0, 0x04, 0xD2, 0, 0, 0, 100];

fn exif_segment() -> Vec<u8> {
    // Big-endian TIFF: header, IFD0 (orientation, GPS pointer), GPS IFD (latitude ref, latitude), rationals.
    let mut tiff = b"MM\x00\x2A\x00\x00\x00\x08".to_vec();
    tiff.extend_from_slice(&[0, 2]);
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    tiff.extend_from_slice(&[0, 2]);
    tiff.extend_from_slice(&[0x00, 0x01, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&[0x00, 0x02, 0, 5, 0, 0, 0, 3, 0, 0, 0, 68]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    tiff.extend_from_slice(&GPS_LATITUDE);
    assert_eq!(tiff.len(), 92);
    let mut payload = b"Exif\x00\x00".to_vec();
    payload.extend_from_slice(&tiff);
    let len = u16::try_from(payload.len() + 2).unwrap();
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&len.to_be_bytes());
    segment.extend_from_slice(&payload);
    segment
}

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
            let frame = Frame::from_parts(RgbaImage::from_pixel(4, 4, Rgba([shade, 0, 0, 255])), 0, 0, Delay::from_numer_denom_ms(20, 1));
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
