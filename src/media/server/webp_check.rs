//! A check the WebP decoder lacks, made before any WebP is decoded.

use crate::media::server::process::Rejection;
use std::io::{Read, Seek, SeekFrom};

/// image-webp (0.2.4) decodes a lossy (VP8) frame at the size the frame's own header states
/// and compares it with the canvas only afterwards, outside the allocation limits: 300 bytes
/// claiming 16383 × 16383 inside an 8 × 6 canvas cost hundreds of MiB (found by the
/// upload_sniff fuzz target). So every VP8 frame, animation frames included, must fit the
/// canvas before anything is decoded. A file cut short is left to the decoder to refuse.
pub fn frames_fit<R: Read + Seek>(reader: &mut R, width: u32, height: u32) -> Result<(), Rejection> {
    let mut riff = [0u8; 12];
    reader.read_exact(&mut riff).map_err(|_| Rejection::Invalid)?;
    let end = 8 + u64::from(u32::from_le_bytes([riff[4], riff[5], riff[6], riff[7]]));
    // The top-level chunks, then those inside each animation frame (ANMF: 16 bytes of frame
    // header, then its own chunks). Each step moves on by at least 8 bytes, so this ends.
    let mut lists = vec![(12, end, true)];
    while let Some((mut at, end, top)) = lists.pop() {
        while at + 8 <= end {
            let mut header = [0u8; 8];
            if reader.seek(SeekFrom::Start(at)).is_err() || reader.read_exact(&mut header).is_err() {
                break;
            }
            let size = u64::from(u32::from_le_bytes([header[4], header[5], header[6], header[7]]));
            let body = at + 8;
            match &header[..4] {
                b"ANMF" if top => lists.push((body + 16, (body + size).min(end), false)),
                b"VP8 " => {
                    let mut head = [0u8; 10];
                    if reader.read_exact(&mut head).is_ok() && head[3..6] == [0x9d, 0x01, 0x2a] {
                        let frame_width = u32::from(u16::from_le_bytes([head[6], head[7]]) & 0x3fff);
                        let frame_height = u32::from(u16::from_le_bytes([head[8], head[9]]) & 0x3fff);
                        if frame_width > width || frame_height > height {
                            return Err(Rejection::Invalid);
                        }
                    }
                }
                _ => {}
            }
            at = body + size + (size & 1);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A RIFF chunk: fourcc, little-endian size, body, padded to even.
    fn chunk(fourcc: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut out = [fourcc.as_slice(), &u32::try_from(body.len()).unwrap().to_le_bytes(), body].concat();
        if body.len() % 2 == 1 {
            out.push(0);
        }
        out
    }

    fn riff(chunks: &[Vec<u8>]) -> Vec<u8> {
        let body = [b"WEBP".as_slice(), &chunks.concat()].concat();
        [b"RIFF".as_slice(), &u32::try_from(body.len()).unwrap().to_le_bytes(), &body].concat()
    }

    /// A lossy key frame's header claiming `width` × `height` (the picture data is junk).
    fn vp8(width: u16, height: u16) -> Vec<u8> {
        chunk(
            b"VP8 ",
            &[[0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a].as_slice(), &width.to_le_bytes(), &height.to_le_bytes(), &[0; 6]]
                .concat(),
        )
    }

    fn side(n: u32) -> [u8; 3] {
        let [a, b, c, _] = (n - 1).to_le_bytes();
        [a, b, c]
    }

    /// An extended header for a `width` × `height` canvas, animated or not.
    fn vp8x(width: u32, height: u32, animated: bool) -> Vec<u8> {
        chunk(b"VP8X", &[[if animated { 2 } else { 0 }, 0, 0, 0].as_slice(), &side(width), &side(height)].concat())
    }

    fn anmf(width: u32, height: u32, frame: Vec<u8>) -> Vec<u8> {
        chunk(b"ANMF", &[[0; 6].as_slice(), &side(width), &side(height), &[100, 0, 0, 0], &frame].concat())
    }

    fn fits(bytes: &[u8], width: u32, height: u32) -> Result<(), Rejection> {
        frames_fit(&mut std::io::Cursor::new(bytes), width, height)
    }

    #[test]
    fn webp_frames_larger_than_their_canvas_are_refused_before_decoding() {
        assert_eq!(fits(&riff(&[vp8(16, 12)]), 16, 12), Ok(()));
        let still = riff(&[vp8x(8, 6, false), vp8(4000, 4000)]);
        assert_eq!(fits(&still, 8, 6), Err(Rejection::Invalid));
        let frames = |second: Vec<u8>| {
            riff(&[vp8x(8, 6, true), chunk(b"ANIM", &[0; 6]), anmf(8, 6, vp8(8, 6)), anmf(8, 6, second)])
        };
        assert_eq!(fits(&frames(vp8(8, 6)), 8, 6), Ok(()));
        assert_eq!(fits(&frames(vp8(16383, 16383)), 8, 6), Err(Rejection::Invalid));
        // With an alpha chunk first, as image-webp's other path reads it.
        let with_alpha = [chunk(b"ALPH", &[0; 5]), vp8(14333, 16372)].concat();
        assert_eq!(fits(&frames(with_alpha), 8, 6), Err(Rejection::Invalid));
        // A chunk that claims more than the file holds ends the walk; the decoder judges the rest.
        let mut cut = riff(&[vp8(16, 12)]);
        cut.truncate(20);
        assert_eq!(fits(&cut, 16, 12), Ok(()));
    }

    #[test]
    fn real_webp_files_pass_and_the_fuzz_find_is_refused() {
        let process_bytes = |bytes: &[u8]| {
            crate::media::server::process::process_reader(std::io::Cursor::new(bytes), bytes.len() as u64)
        };
        for real in [
            &include_bytes!("../../../fuzz/corpus/upload_sniff/lossy.webp")[..],
            include_bytes!("../../../fuzz/corpus/upload_sniff/animated.webp"),
        ] {
            assert!(process_bytes(real).is_ok());
        }
        let found = include_bytes!("../../../fuzz/corpus/upload_sniff/regression-vp8-frame-larger-than-its-canvas");
        assert_eq!(process_bytes(found).err(), Some(Rejection::Invalid));
        assert_eq!(process_bytes(&riff(&[vp8x(8, 6, false), vp8(4000, 4000)])).err(), Some(Rejection::Invalid));
    }
}
