//! Restricted-XML stream framer for XMPP. Work in progress.
