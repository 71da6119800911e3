//! Turns an uploaded file into three clean images: the original re-encoded (so EXIF, GPS,
//! XMP and comments are gone), an 800 × 800 "inside" medium and a 300 × 300 "cover" thumbnail.
//! Blocking and CPU-heavy: callers run it on a blocking thread, a few at a time.
//!
//! Memory stays bounded whatever the file claims: the type comes from the bytes, the declared
//! size is read from the header and refused before any pixel is decoded (for WebP, the size of
//! every frame too), and the decoder runs under allocation limits.

use crate::media::model::{MAX_SIDE, MAX_UPLOAD_BYTES};
use crate::media::server::webp_check;
use image::codecs::gif::{GifDecoder, GifEncoder, Repeat};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::codecs::webp::WebPEncoder;
use image::imageops::FilterType;
use image::{AnimationDecoder, DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};
use std::fs::File;
use std::io::{BufRead, BufReader, Seek};
use std::path::Path;

const MEDIUM_SIDE: u32 = 800;
const THUMBNAIL_SIDE: u32 = 300;
/// A 4096 × 4096 picture at 16 bits per channel with alpha is 128 MiB; nothing needs more.
const MAX_DECODE_BYTES: u64 = 160 * 1024 * 1024;
/// Animated GIFs: frames, and pixels summed over frames (each frame is re-quantised on upload).
const MAX_FRAMES: usize = 300;
const MAX_ANIMATION_PIXELS: u64 = 32 * 1024 * 1024;

/// Why a file was refused; each maps to a clear 4xx.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("The file is empty.")]
    Empty,
    #[error("Images are at most 10 MB.")]
    TooBig,
    #[error("Images are at most 4096 × 4096 pixels.")]
    TooManyPixels,
    #[error("Animations are at most 300 frames and 32 million pixels in all.")]
    TooManyFrames,
    #[error("Only JPEG, PNG, GIF and WebP images can be uploaded.")]
    Unsupported,
    #[error("The image could not be read; it may be damaged or cut short.")]
    Invalid,
}

pub struct Encoded {
    pub bytes: Vec<u8>,
    pub mime: &'static str,
    pub ext: &'static str,
}

pub struct Processed {
    pub width: u32,
    pub height: u32,
    pub original: Encoded,
    pub medium: Encoded,
    pub thumbnail: Encoded,
}

/// Decides the type from the first bytes: the client's file name and mime type are not trusted.
pub fn sniff(head: &[u8]) -> Result<ImageFormat, Rejection> {
    match image::guess_format(head) {
        Ok(f @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::Gif | ImageFormat::WebP)) => Ok(f),
        _ => Err(Rejection::Unsupported),
    }
}

pub fn process(path: &Path) -> Result<Processed, Rejection> {
    let file = File::open(path).map_err(|_| Rejection::Invalid)?;
    let len = file.metadata().map_err(|_| Rejection::Invalid)?.len();
    process_reader(BufReader::new(file), len)
}

/// [`process`] on any seekable source of `len` bytes; the fuzz targets feed it memory.
pub fn process_reader<R: BufRead + Seek>(mut reader: R, len: u64) -> Result<Processed, Rejection> {
    if len == 0 {
        return Err(Rejection::Empty);
    }
    if len > MAX_UPLOAD_BYTES {
        return Err(Rejection::TooBig);
    }
    let mut head = [0u8; 32];
    let read = reader.read(&mut head).map_err(|_| Rejection::Invalid)?;
    let format = sniff(&head[..read])?;
    reader.rewind().map_err(|_| Rejection::Invalid)?;

    let (width, height) = ImageReader::with_format(&mut reader, format).into_dimensions().map_err(rejection)?;
    if width == 0 || height == 0 {
        return Err(Rejection::Invalid);
    }
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(Rejection::TooManyPixels);
    }
    if format == ImageFormat::WebP {
        reader.rewind().map_err(|_| Rejection::Invalid)?;
        webp_check::frames_fit(&mut reader, width, height)?;
    }
    reader.rewind().map_err(|_| Rejection::Invalid)?;

    let (image, original) = match format {
        ImageFormat::Gif => reencode_gif(reader, width, height)?,
        _ => {
            let image = decode_still(reader, format)?;
            let original = encode_original(&image, format)?;
            (image, original)
        }
    };
    let medium = if image.width() <= MEDIUM_SIDE && image.height() <= MEDIUM_SIDE {
        image.clone()
    } else {
        image.resize(MEDIUM_SIDE, MEDIUM_SIDE, FilterType::Triangle)
    };
    let thumbnail = square_thumbnail(&image);
    Ok(Processed {
        width: image.width(),
        height: image.height(),
        original,
        medium: encode_variant(&medium)?,
        thumbnail: encode_variant(&thumbnail)?,
    })
}

/// A square from the middle of the picture, scaled to THUMBNAIL_SIDE. Cropping first keeps the
/// work to the square: `resize_to_fill` scales the whole picture until its short side fills
/// the square, so a 4096 × 1 strip would pass through a 1,228,800 × 300 buffer (about 1 GiB;
/// found by the upload_sniff fuzz target).
fn square_thumbnail(image: &DynamicImage) -> DynamicImage {
    let side = image.width().min(image.height());
    let (x, y) = ((image.width() - side) / 2, (image.height() - side) / 2);
    image.crop_imm(x, y, side, side).resize_exact(THUMBNAIL_SIDE, THUMBNAIL_SIDE, FilterType::Triangle)
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

fn rejection(e: ImageError) -> Rejection {
    match e {
        ImageError::Limits(_) => Rejection::TooManyPixels,
        ImageError::Unsupported(_) => Rejection::Unsupported,
        _ => Rejection::Invalid,
    }
}

/// Decodes one picture under limits and turns it upright as its EXIF orientation says.
fn decode_still<R: BufRead + Seek>(reader: R, format: ImageFormat) -> Result<DynamicImage, Rejection> {
    let mut reader = ImageReader::with_format(reader, format);
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(rejection)?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(rejection)?;
    image.apply_orientation(orientation);
    // 16-bit and float pictures become 8-bit: half the memory, and what browsers show anyway.
    Ok(match image {
        DynamicImage::ImageRgb8(_)
        | DynamicImage::ImageRgba8(_)
        | DynamicImage::ImageLuma8(_)
        | DynamicImage::ImageLumaA8(_) => image,
        other if other.color().has_alpha() => DynamicImage::ImageRgba8(other.to_rgba8()),
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    })
}

/// The original in its own format, written fresh so no metadata survives.
fn encode_original(image: &DynamicImage, format: ImageFormat) -> Result<Encoded, Rejection> {
    let mut bytes = Vec::new();
    let written = match format {
        ImageFormat::Jpeg => image.to_rgb8().write_with_encoder(JpegEncoder::new_with_quality(&mut bytes, 90)),
        ImageFormat::Png => image.write_with_encoder(PngEncoder::new_with_quality(
            &mut bytes,
            CompressionType::Fast,
            PngFilter::Adaptive,
        )),
        // The WebP encoder is lossless only: exact, if larger than a lossy source.
        _ => DynamicImage::ImageRgba8(image.to_rgba8()).write_with_encoder(WebPEncoder::new_lossless(&mut bytes)),
    };
    written.map_err(|_| Rejection::Invalid)?;
    let (mime, ext) = match format {
        ImageFormat::Jpeg => ("image/jpeg", "jpg"),
        ImageFormat::Png => ("image/png", "png"),
        _ => ("image/webp", "webp"),
    };
    Ok(Encoded { bytes, mime, ext })
}

/// Re-encodes an animated GIF frame by frame (one frame in memory at a time), refusing
/// animations too long to be worth it. Returns the first frame for the smaller variants.
fn reencode_gif<R: BufRead + Seek>(reader: R, width: u32, height: u32) -> Result<(DynamicImage, Encoded), Rejection> {
    let mut decoder = GifDecoder::new(reader).map_err(rejection)?;
    decoder.set_limits(limits()).map_err(rejection)?;
    let mut bytes = Vec::new();
    let mut first: Option<DynamicImage> = None;
    {
        let mut encoder = GifEncoder::new_with_speed(&mut bytes, 30);
        encoder.set_repeat(Repeat::Infinite).map_err(|_| Rejection::Invalid)?;
        let mut pixels: u64 = 0;
        for (index, frame) in decoder.into_frames().enumerate() {
            let frame = frame.map_err(rejection)?;
            pixels += u64::from(width) * u64::from(height);
            if index >= MAX_FRAMES || pixels > MAX_ANIMATION_PIXELS {
                return Err(Rejection::TooManyFrames);
            }
            if first.is_none() {
                first = Some(DynamicImage::ImageRgba8(frame.buffer().clone()));
            }
            encoder.encode_frame(frame).map_err(|_| Rejection::Invalid)?;
        }
    }
    let first = first.ok_or(Rejection::Invalid)?;
    Ok((first, Encoded { bytes, mime: "image/gif", ext: "gif" }))
}

/// Medium and thumbnail: JPEG, or PNG when there is transparency to keep.
fn encode_variant(image: &DynamicImage) -> Result<Encoded, Rejection> {
    let mut bytes = Vec::new();
    if image.color().has_alpha() {
        image
            .write_with_encoder(PngEncoder::new_with_quality(&mut bytes, CompressionType::Fast, PngFilter::Adaptive))
            .map_err(|_| Rejection::Invalid)?;
        Ok(Encoded { bytes, mime: "image/png", ext: "png" })
    } else {
        image
            .to_rgb8()
            .write_with_encoder(JpegEncoder::new_with_quality(&mut bytes, 82))
            .map_err(|_| Rejection::Invalid)?;
        Ok(Encoded { bytes, mime: "image/jpeg", ext: "jpg" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage, Rgba, RgbaImage};
    use std::io::Write;

    fn temp_file(bytes: &[u8]) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("parlor-process-{}", uuid::Uuid::now_v7()));
        File::create(&path).unwrap().write_all(bytes).unwrap();
        path
    }

    fn png(width: u32, height: u32, alpha: bool) -> Vec<u8> {
        let mut bytes = Vec::new();
        let image = if alpha {
            DynamicImage::ImageRgba8(RgbaImage::from_pixel(width, height, Rgba([10, 20, 30, 128])))
        } else {
            DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, _| Rgb([(x % 255) as u8, 100, 50])))
        };
        image.write_with_encoder(PngEncoder::new(&mut bytes)).unwrap();
        bytes
    }

    #[test]
    fn a_large_photo_gets_a_medium_inside_and_a_square_thumbnail() {
        let path = temp_file(&png(1600, 900, false));
        let out = process(&path).unwrap();
        assert_eq!((out.width, out.height), (1600, 900));
        assert_eq!(out.original.mime, "image/png");
        let medium = image::load_from_memory(&out.medium.bytes).unwrap();
        assert_eq!((medium.width(), medium.height()), (800, 450));
        let thumb = image::load_from_memory(&out.thumbnail.bytes).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (300, 300));
        assert_eq!(out.thumbnail.mime, "image/jpeg");
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn a_long_thin_strip_gets_a_thumbnail_from_its_middle() {
        // The 4089 × 6 JPEG the fuzzer found needed a 184 MB buffer; a 4096 × 1 PNG, 1 GiB.
        for (width, height) in [(4096, 1), (1, 4096), (4089, 6)] {
            let path = temp_file(&png(width, height, false));
            let out = process(&path).unwrap();
            let thumb = image::load_from_memory(&out.thumbnail.bytes).unwrap();
            assert_eq!((thumb.width(), thumb.height()), (300, 300));
            let medium = image::load_from_memory(&out.medium.bytes).unwrap();
            assert_eq!(medium.width().max(medium.height()), 800);
            let _ = std::fs::remove_file(path);
        }
        // The thumbnail is the middle: of a strip red on the left, blue on the right, and green
        // in the middle, only green shows.
        let strip = RgbImage::from_fn(900, 100, |x, _| {
            if x < 400 {
                Rgb([255, 0, 0])
            } else if x < 500 {
                Rgb([0, 255, 0])
            } else {
                Rgb([0, 0, 255])
            }
        });
        let square = square_thumbnail(&DynamicImage::ImageRgb8(strip)).to_rgb8();
        assert_eq!(square.dimensions(), (300, 300));
        for x in [5, 150, 294] {
            assert_eq!(square.get_pixel(x, 150), &Rgb([0, 255, 0]), "at {x}");
        }
    }

    #[test]
    fn transparency_is_kept_in_the_variants_and_small_images_are_not_enlarged() {
        let path = temp_file(&png(120, 80, true));
        let out = process(&path).unwrap();
        assert_eq!(out.medium.mime, "image/png");
        let medium = image::load_from_memory(&out.medium.bytes).unwrap();
        assert_eq!((medium.width(), medium.height()), (120, 80));
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn the_type_comes_from_the_bytes() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n0000"), Ok(ImageFormat::Png));
        assert_eq!(sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\">"), Err(Rejection::Unsupported));
        assert_eq!(sniff(b"<!DOCTYPE html><script>"), Err(Rejection::Unsupported));
        // BMP is an image, but not one we accept.
        assert_eq!(sniff(b"BM\x00\x00\x00\x00\x00\x00\x00\x00"), Err(Rejection::Unsupported));
    }

    #[test]
    fn empty_and_truncated_files_are_refused() {
        let empty = temp_file(b"");
        assert_eq!(process(&empty).err(), Some(Rejection::Empty));
        let whole = png(64, 64, false);
        let cut = temp_file(&whole[..whole.len() / 2]);
        assert_eq!(process(&cut).err(), Some(Rejection::Invalid));
        let _ = std::fs::remove_file(empty);
        let _ = std::fs::remove_file(cut);
    }
}
