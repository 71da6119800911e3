//! Image files made by the tests themselves.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, Rgb, RgbImage};

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
