package io.lethe.demo.sandbox;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The part of SOQL the Salesforce sandbox answers: {@code SELECT f, g FROM Object [WHERE c AND c ...] [LIMIT n]}
 * where each condition is {@code Field IN ('a', 'b')}, {@code Field = 'a' | true | false | null},
 * {@code Field != null} or {@code Field > | >= | < | <= 2026-01-31T12:00:00Z}. Text compares case-insensitively, as
 * Salesforce does. Anything else is refused as {@link Malformed}, like Salesforce's {@code MALFORMED_QUERY}.
 */
record SoqlQuery(List<String> fields, String object, List<Condition> where, Integer limit) {

    /** The query is not SOQL this parser (or Salesforce) accepts. */
    static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message);
        }
    }

    /** One condition on a field; {@code values} hold Strings, Booleans, Instants or null. */
    record Condition(String field, String operator, List<Object> values) {

        boolean test(Map<String, Object> record) {
            Object actual = record.get(field);
            return switch (operator) {
                case "IN" -> values.stream().anyMatch(v -> same(actual, v));
                case "=" -> same(actual, values.get(0));
                case "!=" -> !same(actual, values.get(0));
                default -> compare(actual, values.get(0));
            };
        }

        private boolean compare(Object actual, Object bound) {
            if (!(actual instanceof Instant a) || !(bound instanceof Instant b)) {
                return false;
            }
            int c = a.compareTo(b);
            return switch (operator) {
                case ">" -> c > 0;
                case ">=" -> c >= 0;
                case "<" -> c < 0;
                default -> c <= 0;
            };
        }

        private static boolean same(Object actual, Object expected) {
            if (actual instanceof String a && expected instanceof String e) {
                return a.equalsIgnoreCase(e);
            }
            return Objects.equals(actual, expected);
        }
    }

    Predicate<Map<String, Object>> filter() {
        return r -> where.stream().allMatch(c -> c.test(r));
    }

    static SoqlQuery parse(String soql) {
        Tokens t = new Tokens(tokenize(soql));
        t.keyword("SELECT");
        List<String> fields = new ArrayList<>();
        do {
            fields.add(t.identifier());
        } while (t.accept(","));
        t.keyword("FROM");
        String object = t.identifier();
        List<Condition> where = new ArrayList<>();
        if (t.acceptKeyword("WHERE")) {
            do {
                where.add(condition(t));
            } while (t.acceptKeyword("AND"));
        }
        Integer limit = null;
        if (t.acceptKeyword("LIMIT")) {
            limit = Integer.parseInt(t.next());
        }
        if (t.hasMore()) {
            throw new Malformed("unexpected token after the query");
        }
        return new SoqlQuery(fields, object, where, limit);
    }

    private static Condition condition(Tokens t) {
        String field = t.identifier();
        String op = t.next().toUpperCase(Locale.ROOT);
        List<Object> values = new ArrayList<>();
        if (op.equals("IN")) {
            t.expect("(");
            do {
                values.add(value(t.next()));
            } while (t.accept(","));
            t.expect(")");
        } else if (List.of("=", "!=", ">", ">=", "<", "<=").contains(op)) {
            values.add(value(t.next()));
        } else {
            throw new Malformed("unknown operator");
        }
        return new Condition(field, op, values);
    }

    private static Object value(String token) {
        if (token.startsWith("'")) {
            return token.substring(1);
        }
        switch (token.toLowerCase(Locale.ROOT)) {
            case "null":
                return null;
            case "true":
                return Boolean.TRUE;
            case "false":
                return Boolean.FALSE;
            default:
                try {
                    return OffsetDateTime.parse(token).toInstant();
                } catch (RuntimeException e) {
                    throw new Malformed("not a SOQL literal");
                }
        }
    }

    /** Words, operators, punctuation and quoted literals (returned as {@code '} + the unescaped text). */
    private static List<String> tokenize(String s) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'') {
                StringBuilder literal = new StringBuilder("'");
                i++;
                while (true) {
                    if (i >= s.length()) {
                        throw new Malformed("unterminated string literal");
                    }
                    char d = s.charAt(i++);
                    if (d == '\\') {
                        if (i >= s.length()) {
                            throw new Malformed("bad escape");
                        }
                        literal.append(s.charAt(i++));
                    } else if (d == '\'') {
                        break;
                    } else {
                        literal.append(d);
                    }
                }
                tokens.add(literal.toString());
            } else if (c == '(' || c == ')' || c == ',') {
                tokens.add(String.valueOf(c));
                i++;
            } else if (c == '!' || c == '<' || c == '>' || c == '=') {
                int start = i++;
                if (i < s.length() && s.charAt(i) == '=') {
                    i++;
                }
                tokens.add(s.substring(start, i));
            } else {
                int start = i;
                while (i < s.length() && !Character.isWhitespace(s.charAt(i)) && "(),'!<>=".indexOf(s.charAt(i)) < 0) {
                    i++;
                }
                tokens.add(s.substring(start, i));
            }
        }
        return tokens;
    }

    private static final class Tokens {
        private final List<String> tokens;
        private int at;

        Tokens(List<String> tokens) {
            this.tokens = tokens;
        }

        boolean hasMore() {
            return at < tokens.size();
        }

        String next() {
            if (!hasMore()) {
                throw new Malformed("unexpected end of query");
            }
            return tokens.get(at++);
        }

        void expect(String token) {
            if (!next().equals(token)) {
                throw new Malformed("expected " + token);
            }
        }

        boolean accept(String token) {
            if (hasMore() && tokens.get(at).equals(token)) {
                at++;
                return true;
            }
            return false;
        }

        void keyword(String word) {
            if (!next().equalsIgnoreCase(word)) {
                throw new Malformed("expected " + word);
            }
        }

        boolean acceptKeyword(String word) {
            if (hasMore() && tokens.get(at).equalsIgnoreCase(word)) {
                at++;
                return true;
            }
            return false;
        }

        String identifier() {
            String word = next();
            if (!word.matches("[A-Za-z][A-Za-z0-9_]*")) {
                throw new Malformed("expected a name");
            }
            return word;
        }
    }
}
