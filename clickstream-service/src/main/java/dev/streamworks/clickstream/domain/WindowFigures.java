package dev.streamworks.clickstream.domain;

/**
 * The running figures of one key in one window, shared by the windowed outputs: events, distinct
 * users (exact count, or the estimate of {@code sketch} in approximate mode), purchases and
 * amounts.
 *
 * @param events      events counted
 * @param uniqueUsers distinct users among them (exact mode: counted as each new user arrives)
 * @param purchases   purchase events among them
 * @param revenue     sum of {@code price * quantity} of the purchases
 * @param amount      sum of {@code price * quantity} of every event that has both fields
 * @param sketch      the users' sketch in approximate mode ({@link DistinctUsers}), {@code null} in exact mode
 */
public record WindowFigures(long events, long uniqueUsers, long purchases, double revenue, double amount,
                            byte[] sketch) {

    public static WindowFigures empty() {
        return new WindowFigures(0, 0, 0, 0.0, 0.0, null);
    }

    /**
     * Counts one event.
     *
     * @param newUser whether the event's user is new in this window (exact mode); ignored when
     *                {@code approximate} is true
     * @param userId  the event's user, added to the sketch in approximate mode
     */
    public WindowFigures add(boolean newUser, boolean approximate, String userId, boolean purchase, Double revenue,
                             Double amount) {
        long users = uniqueUsers;
        byte[] registers = sketch;
        if (approximate) {
            registers = DistinctUsers.add(sketch, userId);
            users = DistinctUsers.estimate(registers);
        } else if (newUser) {
            users++;
        }
        return new WindowFigures(events + 1, users, purchases + (purchase ? 1 : 0),
                this.revenue + (revenue == null ? 0.0 : revenue), this.amount + (amount == null ? 0.0 : amount),
                registers);
    }

    /** Revenue per purchase, {@code null} without purchases. */
    public Double revenuePerPurchase() {
        return purchases == 0 ? null : revenue / purchases;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WindowFigures f && events == f.events && uniqueUsers == f.uniqueUsers
                && purchases == f.purchases && Double.compare(revenue, f.revenue) == 0
                && Double.compare(amount, f.amount) == 0 && java.util.Arrays.equals(sketch, f.sketch);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(events, uniqueUsers, purchases, revenue, amount, java.util.Arrays.hashCode(sketch));
    }

    @Override
    public String toString() {
        return "WindowFigures[events=" + events + ", uniqueUsers=" + uniqueUsers + ", purchases=" + purchases
                + ", revenue=" + revenue + ", amount=" + amount + "]";
    }
}
