package io.lethe.review;

import java.util.List;

/** A report as plain rows of text, for a page's table and its CSV export alike (the console neutralises cells). */
public record Table(List<String> header, List<List<String>> rows) {

    public Table {
        header = List.copyOf(header);
        rows = rows.stream().map(r -> r.stream().map(c -> c == null ? "" : c).toList()).toList();
    }
}
