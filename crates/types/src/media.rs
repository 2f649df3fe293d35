//! What an MMS may carry, as the server enforces it and the composer shows it before a file is
//! sent: the types, the size limit, and the size above which carriers struggle.

/// Carriers' common limit for one MMS.
pub const MAX_MMS_BYTES: usize = 5 * 1024 * 1024;

/// Above this, an MMS is likely to be slow or cut by some carriers (seed 000).
pub const MMS_WARNING_BYTES: u64 = 1_500_000;

/// The types an MMS can carry, for a file picker; the server reads a file's type from its
/// bytes, never from its name.
pub const OUTBOUND_TYPES: [&str; 5] = ["image/jpeg", "image/png", "image/gif", "video/mp4", "video/3gpp"];

/// What the refusal of any other file says.
pub const OUTBOUND_TYPES_REFUSAL: &str =
    "MMS can carry JPEG, PNG or GIF images and MP4 or 3GP video; PDFs and other files cannot be sent";

/// The refusal of a file over the limit.
pub const TOO_LARGE_REFUSAL: &str = "MMS media must be at most 5 MB";

/// A warning for media above what carriers handle well; not a refusal.
pub fn media_warning(total_bytes: u64) -> Option<String> {
    (total_bytes > MMS_WARNING_BYTES).then(|| {
        format!(
            "The media total {:.1} MB; above 1.5 MB some carriers deliver slowly or not at all.",
            total_bytes as f64 / 1_000_000.0
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_media_are_warned_about_not_refused() {
        assert_eq!(media_warning(MMS_WARNING_BYTES), None);
        assert_eq!(
            media_warning(2_000_000).as_deref(),
            Some("The media total 2.0 MB; above 1.5 MB some carriers deliver slowly or not at all.")
        );
    }
}
