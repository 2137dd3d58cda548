package org.crosstenant.deploy.kubernetes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the Markdown (GitHub-flavoured) tables of a document under {@code docs/}: the documents are the source of
 * truth the invariant tests compare the rendered objects with.
 */
public final class DocTables {

    private DocTables() {
    }

    /**
     * One table: its header cells and its rows' cells (pipes separate cells; the delimiter row is dropped).
     *
     * @param header the header cells, trimmed
     * @param rows   the body rows' cells, trimmed
     */
    public record Table(List<String> header, List<List<String>> rows) {
    }

    /**
     * @param file a Markdown file
     * @return every table in it, in order
     * @throws IOException when the file cannot be read
     */
    public static List<Table> read(Path file) throws IOException {
        List<Table> tables = new ArrayList<>();
        List<List<String>> current = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("|")) {
                current.add(cells(line));
            } else if (!current.isEmpty()) {
                tables.add(toTable(current));
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty()) {
            tables.add(toTable(current));
        }
        return tables;
    }

    private static Table toTable(List<List<String>> lines) {
        List<List<String>> rows = lines.subList(1, lines.size()).stream()
                .filter(r -> !r.stream().allMatch(c -> c.matches(":?-+:?")))
                .toList();
        return new Table(lines.get(0), rows);
    }

    private static List<String> cells(String line) {
        String inner = line.strip();
        inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
        return Arrays.stream(inner.split("\\|", -1)).map(String::strip).toList();
    }

    /**
     * @param cell a table cell
     * @return the texts in backticks in it, in order
     */
    public static List<String> codeSpans(String cell) {
        List<String> spans = new ArrayList<>();
        var m = java.util.regex.Pattern.compile("`([^`]+)`").matcher(cell);
        while (m.find()) {
            spans.add(m.group(1));
        }
        return spans;
    }
}
