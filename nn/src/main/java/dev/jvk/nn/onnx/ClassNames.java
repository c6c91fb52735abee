package dev.jvk.nn.onnx;

import java.util.ArrayList;
import java.util.List;

/** Names (of classes, features, targets) as a JSON array of strings: a metadata value that ONNX tools and people can both read. */
final class ClassNames {
    private ClassNames() {}

    static String json(List<String> names) {
        StringBuilder s = new StringBuilder("[");
        for (String n : names) {
            s.append(s.length() == 1 ? "" : ",").append('"');
            for (char c : n.toCharArray()) {
                switch (c) {
                    case '"' -> s.append("\\\"");
                    case '\\' -> s.append("\\\\");
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
        return s.append(']').toString();
    }

    /** The names in {@code json}, the value of the metadata entry {@code key}. */
    static List<String> parse(String json, String file, String key) throws OnnxFormatException {
        List<String> names = new ArrayList<>();
        String s = json.strip();
        int i = 0;
        if (s.isEmpty() || s.charAt(i++) != '[') {
            throw bad(file, key, json);
        }
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        if (i < s.length() && s.charAt(i) == ']') {
            return names;
        }
        while (true) {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= s.length() || s.charAt(i++) != '"') {
                throw bad(file, key, json);
            }
            StringBuilder n = new StringBuilder();
            while (i < s.length() && s.charAt(i) != '"') {
                char c = s.charAt(i++);
                if (c == '\\' && i < s.length()) {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> n.append('\n');
                        case 't' -> n.append('\t');
                        case 'r' -> n.append('\r');
                        case 'b' -> n.append('\b');
                        case 'f' -> n.append('\f');
                        case 'u' -> {
                            if (i + 4 > s.length()) {
                                throw bad(file, key, json);
                            }
                            try {
                                n.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            } catch (NumberFormatException x) {
                                throw bad(file, key, json);
                            }
                            i += 4;
                        }
                        default -> n.append(e);
                    }
                } else {
                    n.append(c);
                }
            }
            if (i++ >= s.length()) {
                throw bad(file, key, json);
            }
            names.add(n.toString());
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i < s.length() && s.charAt(i) == ',') {
                i++;
            } else if (i < s.length() && s.charAt(i) == ']' && i == s.length() - 1) {
                return names;
            } else {
                throw bad(file, key, json);
            }
        }
    }

    private static OnnxFormatException bad(String file, String key, String json) {
        String shown = json.length() > 60 ? json.substring(0, 60) + "..." : json;
        return new OnnxFormatException(file + ": " + key + " is not a JSON array of strings: " + shown);
    }
}
