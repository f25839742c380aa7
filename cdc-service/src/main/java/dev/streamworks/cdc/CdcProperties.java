package dev.streamworks.cdc;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.util.HashSet;
import java.util.List;

/**
 * Every tunable of the CDC pipeline (prefix {@code streamworks.cdc}; docs/topics.md, cdc-service).
 *
 * @param tables the tables to materialize; unset: the contract's one table, {@code users}
 * @param query  the REST row listing's bounds
 */
@Validated
@ConfigurationProperties("streamworks.cdc")
public record CdcProperties(@NotEmpty List<@Valid Table> tables, @DefaultValue @Valid Query query) {

    /** The contract's default table. */
    public static final Table USERS = new Table("mysql.prod.users", "users", List.of("user_id"));

    public CdcProperties {
        tables = tables == null ? List.of(USERS) : List.copyOf(tables);
    }

    /**
     * One table: where its change events come from and how its rows are keyed.
     *
     * @param sourceTopic the Debezium topic of the table
     * @param name        the table's name in the outputs ({@code cdc.<name>}, {@code cdc.<name>.changes}),
     *                    store names and REST paths
     * @param keyColumns  the primary key columns, in key order (values joined by {@code |})
     */
    public record Table(@NotBlank @Pattern(regexp = "[A-Za-z0-9._-]+") String sourceTopic,
                        @NotBlank @Pattern(regexp = "[A-Za-z0-9_-]+") String name,
                        @NotEmpty List<@NotBlank String> keyColumns) {

        public Table {
            keyColumns = keyColumns == null ? null : List.copyOf(keyColumns);
        }

        /** The compacted topic holding the current table. */
        public String tableTopic() {
            return "cdc." + name;
        }

        /** The change feed topic. */
        public String changesTopic() {
            return "cdc." + name + ".changes";
        }
    }

    /**
     * @param defaultLimit rows listed by {@code GET /api/tables/{name}/rows} without {@code limit}
     * @param maxLimit     the largest {@code limit} accepted
     */
    public record Query(@DefaultValue("100") @Min(1) int defaultLimit, @DefaultValue("1000") @Min(1) int maxLimit) {
    }

    /** The contract's defaults. */
    public static CdcProperties defaults() {
        return new CdcProperties(List.of(USERS), new Query(100, 1000));
    }

    /** The table named {@code name}, or null. */
    public Table table(String name) {
        return tables.stream().filter(table -> table.name().equals(name)).findFirst().orElse(null);
    }

    @AssertTrue(message = "table names and source topics must be unique")
    public boolean isEachTableUnique() {
        List<Table> valid = tables.stream().filter(table -> table != null && table.name() != null).toList();
        return valid.stream().map(Table::name).distinct().count() == valid.size()
                && new HashSet<>(valid.stream().map(Table::sourceTopic).toList()).size() == valid.size();
    }

    @AssertTrue(message = "query.default-limit must not exceed query.max-limit")
    public boolean isDefaultLimitWithinMax() {
        return query == null || query.defaultLimit() <= query.maxLimit();
    }
}
