package io.lethe.register;

/**
 * How a consent was captured (GDPR Art. 7(1)): which notice the person saw, from where; or, for a change seen inside
 * a vendor, what was observed there. Personal data: stored sealed.
 */
public record Evidence(String noticeVersion, String ip, String userAgent, String observed) {

    public static final Evidence NONE = new Evidence(null, null, null, null);

    public Evidence(String noticeVersion, String ip, String userAgent) {
        this(noticeVersion, ip, userAgent, null);
    }

    public static Evidence observed(String what) {
        return new Evidence(null, null, null, what);
    }

    public boolean isEmpty() {
        return noticeVersion == null && ip == null && userAgent == null && observed == null;
    }

    /** The JSON that is sealed with the subject's key. */
    static String json(Evidence evidence) {
        com.fasterxml.jackson.databind.node.ObjectNode node = new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode();
        node.put("noticeVersion", evidence.noticeVersion());
        node.put("ip", evidence.ip());
        node.put("userAgent", evidence.userAgent());
        if (evidence.observed() != null) {
            node.put("observed", evidence.observed());
        }
        return node.toString();
    }
}
