package io.lethe.review;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * The backlog history as an inline SVG line chart, drawn on the server (no script, no library, no inline style: the
 * console's CSP allows neither). Colours and strokes are SVG presentation attributes; every text is escaped.
 */
public final class BacklogChart {

    static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
            "#17becf", "#7f7f7f", "#bcbd22", "#393b79", "#637939", "#843c39"};
    private static final int WIDTH = 760;
    private static final int HEIGHT = 260;
    private static final int LEFT = 50;
    private static final int RIGHT = 150;
    private static final int TOP = 20;
    private static final int BOTTOM = 40;
    private static final DateTimeFormatter LABEL = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private BacklogChart() {
    }

    public static String svg(BacklogHistory.Series series) {
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        long max = Math.max(1, series.max());
        int n = series.at().size();
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 ")
                .append(WIDTH).append(' ').append(HEIGHT).append("\" width=\"").append(WIDTH).append("\" height=\"")
                .append(HEIGHT).append("\" aria-labelledby=\"backlog-title\">")
                .append("<title id=\"backlog-title\">Vendor backlog over time (commands not finished)</title>");
        // axes and the y scale: 0 and the maximum
        s.append(line(LEFT, TOP, LEFT, TOP + plotH)).append(line(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH));
        s.append(text(LEFT - 6, TOP + plotH + 4, "end", "0")).append(text(LEFT - 6, TOP + 4, "end", String.valueOf(max)));
        if (n > 0) {
            s.append(text(LEFT, HEIGHT - 12, "start", LABEL.format(series.at().get(0)) + " UTC"));
            s.append(text(LEFT + plotW, HEIGHT - 12, "end", LABEL.format(series.at().get(n - 1)) + " UTC"));
        }
        if (series.backlog().isEmpty()) {
            s.append(text(LEFT + plotW / 2, TOP + plotH / 2, "middle", "no commands in this period"));
        }
        int colour = 0;
        int legendY = TOP + 10;
        for (Map.Entry<String, List<Long>> vendor : series.backlog().entrySet()) {
            String c = COLOURS[colour++ % COLOURS.length];
            StringBuilder points = new StringBuilder();
            List<Long> values = vendor.getValue();
            for (int i = 0; i < values.size(); i++) {
                double x = LEFT + (n == 1 ? 0 : (double) plotW * i / (n - 1));
                double y = TOP + plotH - (double) plotH * values.get(i) / max;
                points.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            s.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(c).append("\" points=\"")
                    .append(points.toString().strip()).append("\"><title>").append(escape(vendor.getKey()))
                    .append(": now ").append(values.get(values.size() - 1)).append("</title></polyline>");
            s.append("<rect x=\"").append(LEFT + plotW + 12).append("\" y=\"").append(legendY - 8)
                    .append("\" width=\"10\" height=\"10\" fill=\"").append(c).append("\"/>");
            s.append(text(LEFT + plotW + 28, legendY + 1, "start", vendor.getKey()));
            legendY += 16;
        }
        return s.append("</svg>").toString();
    }

    private static String line(int x1, int y1, int x2, int y2) {
        return "<line x1=\"" + x1 + "\" y1=\"" + y1 + "\" x2=\"" + x2 + "\" y2=\"" + y2 + "\" stroke=\"#444\"/>";
    }

    private static String text(int x, int y, String anchor, String text) {
        return "<text x=\"" + x + "\" y=\"" + y + "\" text-anchor=\"" + anchor + "\" font-size=\"11\">" + escape(text)
                + "</text>";
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
