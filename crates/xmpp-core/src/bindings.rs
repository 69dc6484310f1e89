//! Channel-binding data from the TLS layer in the SASL layer's terms.

use xmpp_sasl::ChannelBinding;
use xmpp_tls::ChannelBindings;

/// The SASL type for a TLS-layer type.
pub(crate) fn to_sasl_type(
    t: xmpp_tls::ChannelBindingType,
) -> Option<xmpp_sasl::ChannelBindingType> {
    xmpp_sasl::ChannelBindingType::from_name(t.as_str())
}

/// The TLS-layer type for a SASL type.
pub(crate) fn to_tls_type(
    t: xmpp_sasl::ChannelBindingType,
) -> Option<xmpp_tls::ChannelBindingType> {
    [
        xmpp_tls::ChannelBindingType::TlsExporter,
        xmpp_tls::ChannelBindingType::TlsServerEndPoint,
        xmpp_tls::ChannelBindingType::TlsUnique,
    ]
    .into_iter()
    .find(|k| k.as_str() == t.name())
}

/// Every binding the TLS layer could export, most preferred first (`tls-exporter`,
/// then `tls-server-end-point`, then `tls-unique`).
pub(crate) fn sasl_bindings(b: &ChannelBindings) -> Vec<ChannelBinding> {
    b.available()
        .filter_map(|t| {
            let data = b.get(t).ok()?;
            Some(ChannelBinding::new(to_sasl_type(t)?, data.to_vec()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_map_both_ways() {
        for t in [
            xmpp_tls::ChannelBindingType::TlsExporter,
            xmpp_tls::ChannelBindingType::TlsServerEndPoint,
            xmpp_tls::ChannelBindingType::TlsUnique,
        ] {
            assert_eq!(to_sasl_type(t).and_then(to_tls_type), Some(t));
        }
    }
}
