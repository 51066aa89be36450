package io.lethe.review;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The backlog history laid out as a line chart, for a server-drawn inline SVG (the console's template writes the
 * elements; no script, no inline style: its CSP allows neither, colours are SVG presentation attributes). Only
 * geometry and labels here, so the template escapes every text it writes.
 */
public final class BacklogChart {

    static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
            "#17becf", "#7f7f7f", "#bcbd22", "#393b79", "#637939", "#843c39"};
    public static final int WIDTH = 760;
    public static final int HEIGHT = 260;
    public static final int LEFT = 50;
    public static final int TOP = 20;
    public static final int PLOT_WIDTH = WIDTH - LEFT - 150;
    public static final int PLOT_HEIGHT = HEIGHT - TOP - 40;
    private static final DateTimeFormatter LABEL = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);

    /** One vendor's line: its polyline points, colour, legend position and its latest value. */
    public record Line(String vendor, String colour, String points, int legendY, long now) {
    }

    /** The whole chart: the y maximum, the first and last time labels, one line per vendor with a backlog. */
    public record Drawing(long max, String from, String to, List<Line> lines) {

        public boolean empty() {
            return lines.isEmpty();
        }
    }

    private BacklogChart() {
    }

    public static Drawing of(BacklogHistory.Series series) {
        long max = Math.max(1, series.max());
        int n = series.at().size();
        List<Line> lines = new ArrayList<>();
        int colour = 0;
        for (Map.Entry<String, List<Long>> vendor : series.backlog().entrySet()) {
            StringBuilder points = new StringBuilder();
            List<Long> values = vendor.getValue();
            for (int i = 0; i < values.size(); i++) {
                double x = LEFT + (n == 1 ? 0 : (double) PLOT_WIDTH * i / (n - 1));
                double y = TOP + PLOT_HEIGHT - (double) PLOT_HEIGHT * values.get(i) / max;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            lines.add(new Line(vendor.getKey(), COLOURS[colour % COLOURS.length], points.toString().strip(),
                    TOP + 10 + 16 * colour, values.get(values.size() - 1)));
            colour++;
        }
        return new Drawing(max, n == 0 ? "" : LABEL.format(series.at().get(0)) + " UTC",
                n == 0 ? "" : LABEL.format(series.at().get(n - 1)) + " UTC", List.copyOf(lines));
    }
}
