package dev.pave.insights;

/**
 * The platform's stated costs, for the build-vs-buy calculator. Money is in one currency
 * (whichever the figures are in); per-year and per-month figures are prorated to the window.
 *
 * @param peoplePerYear what the people building and running the platform cost a year
 * @param infrastructurePerMonth what the platform's own infrastructure costs a month
 * @param vendorPerNodePerMonth a vendor's price per node and month (0 if priced per cluster)
 * @param vendorPerClusterPerMonth a vendor's price per cluster and month (0 if per node)
 * @param nodes nodes the vendor would charge for
 * @param clusters clusters the vendor would charge for
 * @param buyPeoplePerYear people still needed beside a bought platform, a year
 */
public record Costs(double peoplePerYear, double infrastructurePerMonth,
    double vendorPerNodePerMonth, double vendorPerClusterPerMonth, int nodes, int clusters,
    double buyPeoplePerYear) {

  public Costs {
    for (double d : new double[] {peoplePerYear, infrastructurePerMonth, vendorPerNodePerMonth,
        vendorPerClusterPerMonth, nodes, clusters, buyPeoplePerYear}) {
      if (d < 0 || Double.isNaN(d)) {
        throw new IllegalArgumentException("costs: every figure must be 0 or more");
      }
    }
  }
}
