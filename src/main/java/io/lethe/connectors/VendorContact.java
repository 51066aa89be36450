package io.lethe.connectors;

/**
 * One contact as a vendor holds it, read during reconciliation: the address (personal data, kept in memory for one
 * page only) and what the vendor says about marketing e-mail.
 */
public record VendorContact(String email, State state) {

    /** The vendor's marketing e-mail state for the contact. */
    public enum State {
        SUBSCRIBED, UNSUBSCRIBED, OTHER
    }
}
