//! Rules that span domains, each answering `Result<bool, AppError>`: a database that does not
//! answer is an error (503), never a quiet "no" that would read as 404. The domains below
//! state their own facts (who uploaded an image, which chat a message is in, who is a member);
//! this module puts them together.
pub mod media;
