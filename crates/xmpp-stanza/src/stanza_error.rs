//! Stanza errors ([RFC 6120 §8.3](https://www.rfc-editor.org/rfc/rfc6120#section-8.3)).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use xmpp_jid::Jid;
use xmpp_xml::{Element, ElementRef};

use crate::error::ParseError;
use crate::ns::{self, ContentNs};
use crate::text::LangText;
use crate::util::{child_elements, el, finish, jid_attr, opt_jid, text};

/// The `type` of a stanza error
/// ([RFC 6120 §8.3.2](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.2)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorType {
    /// Retry after providing credentials.
    Auth,
    /// Do not retry (the error cannot be remedied).
    Cancel,
    /// Proceed (the condition was only a warning).
    Continue,
    /// Retry after changing the data sent.
    Modify,
    /// Retry after waiting (the error is temporary).
    Wait,
}

impl ErrorType {
    /// The attribute value.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorType::Auth => "auth",
            ErrorType::Cancel => "cancel",
            ErrorType::Continue => "continue",
            ErrorType::Modify => "modify",
            ErrorType::Wait => "wait",
        }
    }

    /// The type named `s`.
    #[must_use]
    pub fn from_name(s: &str) -> Option<Self> {
        Some(match s {
            "auth" => ErrorType::Auth,
            "cancel" => ErrorType::Cancel,
            "continue" => ErrorType::Continue,
            "modify" => ErrorType::Modify,
            "wait" => ErrorType::Wait,
            _ => return None,
        })
    }
}

impl fmt::Display for ErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! conditions {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $typ:ident; )*) => {
        /// A defined stanza error condition
        /// ([RFC 6120 §8.3.3](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3)).
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum DefinedCondition {
            $( $(#[$doc])* $variant, )*
            /// `<gone/>` ([§8.3.3.5](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3.5)):
            /// the recipient is no longer at this address; the optional URI is the new one.
            Gone(Option<String>),
            /// `<redirect/>` ([§8.3.3.14](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3.14)):
            /// the request should go to the entity named by the optional URI, temporarily.
            Redirect(Option<String>),
        }

        impl DefinedCondition {
            /// The element name, for example `"item-not-found"`.
            #[must_use]
            pub fn as_str(&self) -> &'static str {
                match self {
                    $( DefinedCondition::$variant => $name, )*
                    DefinedCondition::Gone(_) => "gone",
                    DefinedCondition::Redirect(_) => "redirect",
                }
            }

            /// The condition named `name` (for `gone` and `redirect`, without a URI).
            #[must_use]
            pub fn from_name(name: &str) -> Option<Self> {
                Some(match name {
                    $( $name => DefinedCondition::$variant, )*
                    "gone" => DefinedCondition::Gone(None),
                    "redirect" => DefinedCondition::Redirect(None),
                    _ => return None,
                })
            }

            /// The error type RFC 6120 §8.3.3 uses with this condition in its description
            /// and example, a good default for [`StanzaError::new`].
            #[must_use]
            pub fn default_type(&self) -> ErrorType {
                match self {
                    $( DefinedCondition::$variant => ErrorType::$typ, )*
                    DefinedCondition::Gone(_) => ErrorType::Cancel,
                    DefinedCondition::Redirect(_) => ErrorType::Modify,
                }
            }

            /// Every condition (`gone` and `redirect` without a URI), in RFC order.
            pub const ALL: &'static [DefinedCondition] = &[
                $( DefinedCondition::$variant, )*
                DefinedCondition::Gone(None),
                DefinedCondition::Redirect(None),
            ];
        }
    };
}

conditions! {
    /// `<bad-request/>` ([§8.3.3.1](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3.1)).
    BadRequest = "bad-request", Modify;
    /// `<conflict/>` ([§8.3.3.2](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3.2)).
    Conflict = "conflict", Cancel;
    /// `<feature-not-implemented/>` ([§8.3.3.3](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3.3)).
    FeatureNotImplemented = "feature-not-implemented", Cancel;
    /// `<forbidden/>` ([§8.3.3.4](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3.4)).
    Forbidden = "forbidden", Auth;
    /// `<internal-server-error/>` ([§8.3.3.6](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3.6)).
    InternalServerError = "internal-server-error", Cancel;
    /// `<item-not-found/>` ([§8.3.3.7](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3.7)).
    ItemNotFound = "item-not-found", Cancel;
    /// `<jid-malformed/>` ([§8.3.3.8](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3.8)).
    JidMalformed = "jid-malformed", Modify;
    /// `<not-acceptable/>` ([§8.3.3.9](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3.9)).
    NotAcceptable = "not-acceptable", Modify;
    /// `<not-allowed/>` ([§8.3.3.10](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3.10)).
    NotAllowed = "not-allowed", Cancel;
    /// `<not-authorized/>` ([§8.3.3.11](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3.11)).
    NotAuthorized = "not-authorized", Auth;
    /// `<policy-violation/>` ([§8.3.3.12](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3.12)).
    PolicyViolation = "policy-violation", Modify;
    /// `<recipient-unavailable/>` ([§8.3.3.13](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3.13)).
    RecipientUnavailable = "recipient-unavailable", Wait;
    /// `<registration-required/>` ([§8.3.3.15](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3.15)).
    RegistrationRequired = "registration-required", Auth;
    /// `<remote-server-not-found/>` ([§8.3.3.16](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3.16)).
    RemoteServerNotFound = "remote-server-not-found", Cancel;
    /// `<remote-server-timeout/>` ([§8.3.3.17](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3.17)).
    RemoteServerTimeout = "remote-server-timeout", Wait;
    /// `<resource-constraint/>` ([§8.3.3.18](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3.18)).
    ResourceConstraint = "resource-constraint", Wait;
    /// `<service-unavailable/>` ([§8.3.3.19](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3.19)).
    ServiceUnavailable = "service-unavailable", Cancel;
    /// `<subscription-required/>` ([§8.3.3.20](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3.20)).
    SubscriptionRequired = "subscription-required", Auth;
    /// `<undefined-condition/>` ([§8.3.3.21](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3.21)).
    UndefinedCondition = "undefined-condition", Cancel;
    /// `<unexpected-request/>` ([§8.3.3.22](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3.22)).
    UnexpectedRequest = "unexpected-request", Wait;
}

impl fmt::Display for DefinedCondition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `<error/>` child of a stanza of type `error`
/// ([RFC 6120 §8.3.2](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.2)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StanzaError {
    /// The `type` attribute (required).
    pub error_type: ErrorType,
    /// The `by` attribute: the entity that generated or returned the error.
    pub by: Option<Jid>,
    /// The defined condition (required).
    pub condition: DefinedCondition,
    /// The `<text/>` elements (descriptive, not to be shown to users as the error).
    pub texts: Vec<LangText>,
    /// The application-specific condition element, kept raw.
    pub app_condition: Option<Element>,
}

impl StanzaError {
    /// An error with `condition` and its [default type](DefinedCondition::default_type).
    #[must_use]
    pub fn new(condition: DefinedCondition) -> Self {
        StanzaError {
            error_type: condition.default_type(),
            by: None,
            condition,
            texts: Vec::new(),
            app_condition: None,
        }
    }

    /// Sets the type.
    #[must_use]
    pub fn with_type(mut self, error_type: ErrorType) -> Self {
        self.error_type = error_type;
        self
    }

    /// Adds a `<text/>`.
    #[must_use]
    pub fn with_text(mut self, text: LangText) -> Self {
        self.texts.push(text);
        self
    }

    /// Parses `<error/>` in any content namespace.
    ///
    /// # Errors
    /// A [`ParseError`] naming the rule broken: missing or unknown `type`, missing or
    /// unknown defined condition, repeated condition, invalid `by`, more than one
    /// application-specific condition.
    pub fn parse(e: ElementRef<'_>) -> Result<Self, ParseError> {
        if e.name() != "error" || ContentNs::from_ns(e.ns()).is_none() {
            return Err(ParseError::wrong("{jabber:*}error", e));
        }
        let error_type = match e.attr("type") {
            None => {
                return Err(ParseError::MissingAttribute {
                    element: "error",
                    attribute: "type",
                });
            }
            Some(t) => ErrorType::from_name(t).ok_or(ParseError::InvalidAttribute {
                element: "error",
                attribute: "type",
                rule: "must be auth, cancel, continue, modify or wait (RFC 6120 §8.3.2)",
            })?,
        };
        let by = jid_attr(e, "error", "by")?;
        let mut condition = None;
        let mut texts = Vec::new();
        let mut app_condition = None;
        for c in child_elements(e) {
            if c.ns() == ns::STANZAS {
                if c.name() == "text" {
                    texts.push(LangText::parse(c));
                    continue;
                }
                if condition.is_some() {
                    return Err(ParseError::DuplicateChild {
                        element: "error",
                        child: "defined condition",
                    });
                }
                let cond = DefinedCondition::from_name(c.name()).ok_or_else(|| {
                    ParseError::UnknownCondition {
                        element: "error",
                        name: String::from(c.name()),
                    }
                })?;
                let uri = || {
                    let t = c.text();
                    (!t.is_empty()).then(|| t.into_owned())
                };
                condition = Some(match cond {
                    DefinedCondition::Gone(_) => DefinedCondition::Gone(uri()),
                    DefinedCondition::Redirect(_) => DefinedCondition::Redirect(uri()),
                    other => other,
                });
            } else if app_condition.is_some() {
                return Err(ParseError::DuplicateChild {
                    element: "error",
                    child: "application-specific condition",
                });
            } else {
                app_condition = Some(c.to_owned());
            }
        }
        let condition = condition.ok_or(ParseError::UnknownCondition {
            element: "error",
            name: String::new(),
        })?;
        Ok(StanzaError {
            error_type,
            by,
            condition,
            texts,
            app_condition,
        })
    }

    /// The `<error/>` element in the content namespace `ns`.
    #[must_use]
    pub fn to_element(&self, ns: ContentNs) -> Element {
        let b = el(ns.as_str(), "error").attr("type", self.error_type.as_str());
        let b = opt_jid(b, "by", self.by.as_ref());
        let c = el(ns::STANZAS, self.condition.as_str());
        let c = match &self.condition {
            DefinedCondition::Gone(Some(u)) | DefinedCondition::Redirect(Some(u)) => text(c, u),
            _ => c,
        };
        let mut b = b.child(finish(c, ns::STANZAS, "undefined-condition"));
        for t in &self.texts {
            b = b.child(t.to_element_in(ns::STANZAS, "text"));
        }
        if let Some(a) = &self.app_condition {
            b = b.child(a.clone());
        }
        finish(b, ns.as_str(), "error")
    }
}

impl StanzaError {
    /// Writes the `<error/>` element inside a stanza whose default namespace is the
    /// content namespace `w` was opened with.
    pub(crate) fn write_inner(&self, out: &mut Vec<u8>, w: &xmpp_xml::Writer) {
        use crate::write::Tag;
        let mut t = Tag::start(out, "error", None);
        t.attr("type", self.error_type.as_str())
            .opt_jid("by", self.by.as_ref());
        t.child(|out| {
            let mut c = Tag::start(out, self.condition.as_str(), Some(ns::STANZAS));
            if let DefinedCondition::Gone(Some(u)) | DefinedCondition::Redirect(Some(u)) =
                &self.condition
            {
                c.text(u);
            }
            c.end();
        });
        for x in &self.texts {
            t.lang_text("text", Some(ns::STANZAS), x);
        }
        if let Some(a) = &self.app_condition {
            t.element(w, a);
        }
        t.end();
    }
}

impl<'a> TryFrom<ElementRef<'a>> for StanzaError {
    type Error = ParseError;
    fn try_from(e: ElementRef<'a>) -> Result<Self, ParseError> {
        StanzaError::parse(e)
    }
}

impl TryFrom<Element> for StanzaError {
    type Error = ParseError;
    fn try_from(e: Element) -> Result<Self, ParseError> {
        StanzaError::parse(e.as_ref())
    }
}

impl TryFrom<&Element> for StanzaError {
    type Error = ParseError;
    fn try_from(e: &Element) -> Result<Self, ParseError> {
        StanzaError::parse(e.as_ref())
    }
}

impl fmt::Display for StanzaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.condition, self.error_type)?;
        if let Some(t) = self.texts.first() {
            write!(f, ": {}", t.text)?;
        }
        Ok(())
    }
}

impl core::error::Error for StanzaError {}
