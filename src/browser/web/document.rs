//! The page's document, minus string evaluation. Pages run under a Content-Security-Policy
//! without 'unsafe-eval', and Dioxus's web document sets the title by evaluating text; this
//! one sets it through the DOM and hands everything else to the document it wraps.

use dioxus::prelude::*;
use std::rc::Rc;

/// Installs the document for everything below the caller (the app root).
pub fn use_csp_safe_document() {
    use_hook(|| {
        let inner = document::document();
        provide_context(Rc::new(CspSafeDocument(inner)) as Rc<dyn document::Document>);
    });
}

struct CspSafeDocument(Rc<dyn document::Document>);

impl document::Document for CspSafeDocument {
    fn eval(&self, js: String) -> document::Eval {
        self.0.eval(js)
    }

    fn set_title(&self, title: String) {
        if let Some(page) = web_sys::window().and_then(|w| w.document()) {
            page.set_title(&title);
        }
    }

    fn create_head_element(&self, name: &str, attributes: &[(&str, String)], contents: Option<String>) {
        self.0.create_head_element(name, attributes, contents);
    }

    fn create_meta(&self, props: document::MetaProps) {
        self.0.create_meta(props);
    }

    fn create_script(&self, props: document::ScriptProps) {
        self.0.create_script(props);
    }

    fn create_style(&self, props: document::StyleProps) {
        self.0.create_style(props);
    }

    fn create_link(&self, props: document::LinkProps) {
        self.0.create_link(props);
    }

    fn create_head_component(&self) -> bool {
        self.0.create_head_component()
    }
}
