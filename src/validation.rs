//! How a parser of user input refuses it: a stable code for programs and a sentence a form can
//! show next to the field. Every validated newtype (`Username`, `MessageBody`, `GroupName`…)
//! answers with this; the server turns it into a 400 (`From<Invalid> for AppError`).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid {
    pub code: &'static str,
    pub message: &'static str,
}

impl Invalid {
    pub const fn new(code: &'static str, message: &'static str) -> Self {
        Self { code, message }
    }
}
