package dev.jvk.cli;

import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Just enough JSON to print one result line: objects, arrays, strings, numbers, booleans, null. */
final class Json {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    /** Adds a field; values are String, Number, Boolean, null, int[]/double[], Collection, int[][] or Json. */
    Json put(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        write(s, this);
        return s.toString();
    }

    private static void write(StringBuilder s, Object v) {
        switch (v) {
            case null -> s.append("null");
            case Json j -> {
                s.append('{');
                Iterator<Map.Entry<String, Object>> it = j.fields.entrySet().iterator();
                while (it.hasNext()) {
                    Map.Entry<String, Object> e = it.next();
                    string(s, e.getKey());
                    s.append(':');
                    write(s, e.getValue());
                    if (it.hasNext()) {
                        s.append(',');
                    }
                }
                s.append('}');
            }
            case String str -> string(s, str);
            case Boolean b -> s.append(b);
            case Double d -> s.append(Double.isFinite(d) ? d.toString() : "null");
            case Float f -> s.append(Float.isFinite(f) ? Double.toString(Double.parseDouble(f.toString())) : "null");
            case Number n -> s.append(n);
            case int[] a -> {
                s.append('[');
                for (int i = 0; i < a.length; i++) {
                    s.append(i > 0 ? "," : "").append(a[i]);
                }
                s.append(']');
            }
            case double[] a -> {
                s.append('[');
                for (int i = 0; i < a.length; i++) {
                    if (i > 0) {
                        s.append(',');
                    }
                    write(s, a[i]);
                }
                s.append(']');
            }
            case int[][] m -> {
                s.append('[');
                for (int i = 0; i < m.length; i++) {
                    if (i > 0) {
                        s.append(',');
                    }
                    write(s, m[i]);
                }
                s.append(']');
            }
            case Collection<?> c -> {
                s.append('[');
                boolean first = true;
                for (Object o : c) {
                    if (!first) {
                        s.append(',');
                    }
                    write(s, o);
                    first = false;
                }
                s.append(']');
            }
            default -> string(s, v.toString());
        }
    }

    private static void string(StringBuilder s, String str) {
        s.append('"');
        for (int i = 0; i < str.length(); i++) {
            char c = str.charAt(i);
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        s.append('"');
    }
}
