package dev.rigger.runner;

import java.util.List;
import java.util.Locale;

/** The fleet benchmark's chart: wall time against hosts, one line per series, as a plain SVG. */
final class FleetChart {
    private static final int WIDTH = 720;
    private static final int HEIGHT = 420;
    private static final int LEFT = 60;
    private static final int RIGHT = 180;
    private static final int TOP = 30;
    private static final int BOTTOM = 50;
    /** CSV column, label, colour, dashed. */
    private static final Object[][] SERIES = {
            {1, "floor, first run", "#888888", true},
            {2, "floor, second run", "#000000", false},
            {3, "./rigger, first", "#e07000", true},
            {4, "./rigger, second", "#c00000", false},
            {12, "./rigger, second, unbatched", "#c000c0", true},
            {15, "java -jar, second", "#009040", false},
            {17, "in-process, first", "#4060e0", true},
            {18, "in-process, second", "#0030a0", false},
    };

    private FleetChart() {}

    static String svg(List<String> rows) {
        List<double[]> data = rows.stream().map(r -> java.util.Arrays.stream(r.split(",")).mapToDouble(Double::parseDouble).toArray()).toList();
        double max = 1;
        for (double[] d : data) for (Object[] s : SERIES) max = Math.max(max, d[(int) s[0]]);
        max = Math.ceil(max / 5) * 5;
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\">Fleet workload (user, touch, copy, echo): wall time against hosts</text>%n", LEFT));
        // Hosts are spaced evenly (1, 10, 100, 250, 500 would crowd on a linear axis).
        for (int i = 0; i < data.size(); i++) {
            double x = xOf(i, data.size(), plotW);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>%n", x, TOP, x, TOP + plotH));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n", x, TOP + plotH + 18, (int) data.get(i)[0]));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">hosts</text>%n", LEFT + plotW / 2, HEIGHT - 8));
        for (int t = 0; t <= 5; t++) {
            double v = max * t / 5;
            double y = TOP + plotH - plotH * t / 5.0;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n", LEFT, y, LEFT + plotW, y));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f s</text>%n", LEFT - 6, y + 4, v));
        }
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>%n", LEFT, TOP, plotW, plotH));
        for (int s = 0; s < SERIES.length; s++) {
            int col = (int) SERIES[s][0];
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < data.size(); i++) {
                double y = TOP + plotH - plotH * data.get(i)[col] / max;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", xOf(i, data.size(), plotW), y));
            }
            String dash = (boolean) SERIES[s][3] ? " stroke-dasharray=\"6,4\"" : "";
            svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>%n", points.toString().strip(), SERIES[s][2], dash));
            int ly = TOP + 10 + s * 20;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
                    LEFT + plotW + 10, ly, LEFT + plotW + 34, ly, SERIES[s][2], dash));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", LEFT + plotW + 38, ly + 4, SERIES[s][1]));
        }
        return svg.append("</svg>\n").toString();
    }

    private static double xOf(int i, int count, int plotW) {
        return count == 1 ? LEFT + plotW / 2.0 : LEFT + 20 + (plotW - 40) * i / (double) (count - 1);
    }
}
