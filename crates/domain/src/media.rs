//! MMS media: which files may be sent and received, decided from their bytes.

pub use textdesk_types::media::MAX_MMS_BYTES;
use textdesk_types::media::{OUTBOUND_TYPES_REFUSAL, TOO_LARGE_REFUSAL};

use crate::Invalid;

/// The type of a file to send as MMS, read from its bytes, never from its name or a header:
/// JPEG, PNG and GIF images, MP4 and 3GP video.
pub fn sniff_outbound(bytes: &[u8]) -> Result<&'static str, Invalid> {
    if bytes.is_empty() {
        return Err(Invalid::new("required", "the file is empty"));
    }
    if bytes.len() > MAX_MMS_BYTES {
        return Err(Invalid::new("too_large", TOO_LARGE_REFUSAL));
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok("image/jpeg");
    }
    if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        return Ok("image/png");
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Ok("image/gif");
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return Ok(if bytes[8..11] == *b"3gp" {
            "video/3gpp"
        } else {
            "video/mp4"
        });
    }
    Err(Invalid::new("unsupported_type", OUTBOUND_TYPES_REFUSAL))
}

/// Whether a contact's media of this type is kept: pictures, video, audio and contact cards.
pub fn inbound_allowed(content_type: &str) -> bool {
    let mime = content_type.to_ascii_lowercase();
    ["image/", "video/", "audio/"]
        .iter()
        .any(|prefix| mime.starts_with(prefix))
        || mime == "text/vcard"
        || mime == "text/x-vcard"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outbound_types_come_from_the_bytes() {
        assert_eq!(sniff_outbound(b"\xff\xd8\xff\xe0rest"), Ok("image/jpeg"));
        assert_eq!(sniff_outbound(b"\0\0\0\x18ftypmp42rest"), Ok("video/mp4"));
        assert_eq!(sniff_outbound(b"\0\0\0\x18ftyp3gp5rest"), Ok("video/3gpp"));
        assert_eq!(sniff_outbound(b"%PDF-1.7").map_err(|e| e.code), Err("unsupported_type"));
        assert_eq!(
            sniff_outbound(&vec![0xFF; MAX_MMS_BYTES + 1]).map_err(|e| e.code),
            Err("too_large")
        );
    }

    #[test]
    fn inbound_types() {
        assert!(inbound_allowed("image/jpeg"));
        assert!(inbound_allowed("Video/MP4"));
        assert!(!inbound_allowed("application/x-msdownload"));
    }
}
