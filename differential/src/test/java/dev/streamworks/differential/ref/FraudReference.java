package dev.streamworks.differential.ref;

import dev.streamworks.differential.gen.DataSet;
import dev.streamworks.differential.gen.Rec;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * fraud-service's outputs for an input, as a plain batch over the records: docs/semantics.md
 * sections 1, 2, 6 and 7, CONTRACTS.md section 4 and the risk score formula of the service's
 * README. Nothing shared with the service.
 */
public final class FraudReference {

    public static final String TRANSACTIONS = "transactions";
    public static final String ALERTS = "fraud-alerts";
    public static final String LATE = "fraud.late";
    public static final String DLQ = "fraud.dlq";

    static final long LOOKBACK = 10 * 60_000;
    static final long GRACE = 15 * 60_000;
    static final int MAX_TRANSACTIONS = 5;
    static final BigDecimal MAX_AMOUNT = new BigDecimal("10000");
    static final int MAX_COUNTRIES = 2;
    static final String TOO_MANY = "TOO_MANY_TRANSACTIONS";
    static final String SPIKE = "AMOUNT_SPIKE";
    static final String COUNTRIES = "MULTIPLE_COUNTRIES";

    private record Transaction(Rec rec, String id, String user, BigDecimal amount, String country, long time, long rwm) {
    }

    /** One user's state: the judged transactions, the status and the episode. */
    private static final class User {
        final List<Transaction> kept = new ArrayList<>();
        boolean suspected;
        final Set<String> reported = new LinkedHashSet<>();
        long lastTrigger = Long.MIN_VALUE;
    }

    private final Contract contract;

    private FraudReference(Contract.Settings settings) {
        this.contract = new Contract(settings);
    }

    public static boolean isBad(Rec rec, Contract.Settings settings) {
        try {
            new FraudReference(settings).transaction(rec, new Rwm());
            return false;
        } catch (Contract.Bad bad) {
            return true;
        }
    }

    private Transaction transaction(Rec rec, Rwm rwm) throws Contract.Bad {
        ObjectNode node = contract.object(rec.value());
        String id = Contract.string(node, "transaction_id");
        String user = Contract.string(node, "user_id");
        BigDecimal amount = Contract.number(node, "amount", true, true);
        String country = Contract.string(node, "country");
        long time = contract.time(node, "transaction_time");
        Contract.optionalString(node, "currency");
        Contract.optionalString(node, "merchant");
        return new Transaction(rec, id, user, amount, country, time, rwm.read(rec.topic(), rec.partition(), time));
    }

    public static Expected compute(DataSet data, Contract.Settings settings) {
        return new FraudReference(settings).run(data);
    }

    private Expected run(DataSet data) {
        Expected out = new Expected()
                .declare(ALERTS, Expected.Mode.MULTISET)
                .declare(LATE, Expected.Mode.MULTISET)
                .declare(DLQ, Expected.Mode.MULTISET);
        Rwm rwm = new Rwm();
        Map<String, User> users = new HashMap<>();
        for (Rec rec : data.all()) {
            Transaction tx;
            try {
                tx = transaction(rec, rwm);
            } catch (Contract.Bad bad) {
                out.add(DLQ, new Out(rec.key(), ClickstreamReference.text(rec.value()), null));
                continue;
            }
            if (tx.time() < tx.rwm() && tx.rwm() - tx.time() >= GRACE) {
                out.add(LATE, new Out(rec.key(), ClickstreamReference.text(rec.value()), ALERTS));
                continue;
            }
            User user = users.computeIfAbsent(tx.user(), u -> new User());
            if (user.kept.stream().anyMatch(kept -> kept.id().equals(tx.id()))) {
                continue;
            }
            user.kept.add(tx);
            judge(user, tx, out);
        }
        return out;
    }

    private static void judge(User user, Transaction tx, Expected out) {
        List<Transaction> window = user.kept.stream()
                .filter(kept -> kept.time() > tx.time() - LOOKBACK && kept.time() <= tx.time()).toList();
        BigDecimal amount = window.stream().map(Transaction::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        Set<String> countries = new LinkedHashSet<>();
        Set<String> distinct = new java.util.HashSet<>();
        for (Transaction kept : window) {
            if (distinct.add(kept.country().toUpperCase(Locale.ROOT))) {
                countries.add(kept.country());
            }
        }
        List<String> reasons = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        if (window.size() > MAX_TRANSACTIONS) {
            reasons.add(TOO_MANY);
            ratios.add((double) window.size() / MAX_TRANSACTIONS);
        }
        if (amount.compareTo(MAX_AMOUNT) > 0) {
            reasons.add(SPIKE);
            ratios.add(amount.doubleValue() / MAX_AMOUNT.doubleValue());
        }
        if (distinct.size() > MAX_COUNTRIES) {
            reasons.add(COUNTRIES);
            ratios.add((double) distinct.size() / MAX_COUNTRIES);
        }
        if (user.suspected && tx.time() - user.lastTrigger > LOOKBACK) {
            user.suspected = false;
            user.reported.clear();
        }
        if (reasons.isEmpty()) {
            return;
        }
        // docs/semantics.md leaves open which trigger is "the last" when one arrives out of order:
        // the latest in event time (a trigger judged later but earlier in time does not shorten the episode)
        user.lastTrigger = Math.max(user.lastTrigger, tx.time());
        String type;
        if (!user.suspected) {
            user.suspected = true;
            user.reported.addAll(reasons);
            type = "FRAUD_SUSPECTED";
        } else if (!user.reported.containsAll(reasons)) {
            user.reported.addAll(reasons);
            type = "FRAUD_ESCALATED";
        } else {
            return;
        }
        double product = 1;
        for (double ratio : ratios) {
            product *= 1 / (2 * ratio);
        }
        ObjectNode value = Contract.MAPPER.createObjectNode();
        value.put("alert_id", tx.user() + "@" + tx.id());
        value.put("alert_type", type);
        value.put("user_id", tx.user());
        value.put("transaction_id", tx.id());
        value.put("transaction_time", Contract.iso(tx.time()));
        ArrayNode reasonArray = value.putArray("reasons");
        reasons.forEach(reasonArray::add);
        value.put("risk_score", Math.round((1 - product) * 10_000) / 10_000.0);
        value.put("window_transactions", window.size());
        value.put("window_amount", amount);
        ArrayNode countryArray = value.putArray("countries");
        countries.forEach(countryArray::add);
        out.add(ALERTS, new Out(tx.user(), value, null));
    }
}
