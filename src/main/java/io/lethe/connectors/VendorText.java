package io.lethe.connectors;

import java.util.regex.Pattern;

/**
 * The one gate for text a vendor chose (HubSpot {@code policyName}, Mailchimp {@code error_code}, Salesforce
 * {@code errorCode}/{@code statusCode}) on its way into a log line, an exception message or the permanent sync log.
 * Vendors document these as upper-case codes; anything else (line breaks, terminal escapes, an echoed e-mail
 * address) is replaced, never copied.
 */
public final class VendorText {

    /** Stands in for a value that is not a code. */
    public static final String NOT_A_CODE = "UNRECOGNISED_CODE";
    private static final Pattern CODE = Pattern.compile("[A-Z_]{1,64}");

    private VendorText() {
    }

    /** The vendor's code if it is one ({@code [A-Z_]{1,64}}), "" when there is none, else {@link #NOT_A_CODE}. */
    public static String code(String vendorValue) {
        if (vendorValue == null || vendorValue.isEmpty()) {
            return "";
        }
        return CODE.matcher(vendorValue).matches() ? vendorValue : NOT_A_CODE;
    }
}
