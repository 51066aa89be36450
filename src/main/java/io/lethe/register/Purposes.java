package io.lethe.register;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** The processing purposes this hub records consent for, from {@code lethe.purposes}. */
public final class Purposes {

    public static final String THIRD_PARTY_SHARING = "third_party_sharing";
    private static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9_]{0,63}$");

    private final Set<String> names;

    public Purposes(String commaList) {
        Set<String> parsed = new LinkedHashSet<>();
        for (String raw : Arrays.asList(commaList == null ? new String[0] : commaList.split(","))) {
            String name = raw.strip();
            if (name.isEmpty()) {
                continue;
            }
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("lethe.purposes: '" + name
                        + "' is not a purpose name (lower case letters, digits and _, starting with a letter)");
            }
            parsed.add(name);
        }
        if (parsed.isEmpty()) {
            throw new IllegalArgumentException("lethe.purposes must name at least one purpose");
        }
        this.names = Set.copyOf(parsed);
    }

    public boolean contains(String purpose) {
        return names.contains(purpose);
    }

    public Set<String> names() {
        return names;
    }
}
