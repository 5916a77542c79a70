namespace ClickPredict.Core.Simulation;

/// <summary>
/// The competition for one simulated impression, as the simulator knows it: each of <see cref="Bidders"/>
/// other bidders bids an independent log-normal draw (median <see cref="PerBidderMedianCpm"/>, log spread
/// <see cref="Sigma"/>), and the price to beat is the highest of them or the floor. As an
/// <see cref="Shading.IWinCurve"/> it is the oracle's win curve: <c>P(win | b) = Phi(z)^K</c>,
/// <c>z = (ln b - ln median) / sigma</c>, for bids at or above the floor.
/// </summary>
public readonly struct CompetingBids : Shading.IWinCurve
{
    public CompetingBids(double perBidderMedianCpm, double sigma, int bidders, double floorCpm)
    {
        PerBidderMedianCpm = perBidderMedianCpm;
        Sigma = sigma;
        Bidders = bidders;
        FloorCpm = floorCpm;
    }

    public double PerBidderMedianCpm { get; }

    public double Sigma { get; }

    public int Bidders { get; }

    public double FloorCpm { get; }

    /// <summary>One bidder's bid for a standard normal draw <paramref name="gaussian"/> (before the floor).</summary>
    public double Bid(double gaussian) => PerBidderMedianCpm * Math.Exp(Sigma * gaussian);

    public double WinProbability(double bid) =>
        bid >= FloorCpm && bid > 0 ? Math.Pow(NormalDistribution.Cdf(Z(bid)), Bidders) : 0;

    /// <summary><c>K pdf(z) / (sigma cdf(z))</c>, the elasticity of <c>Phi(z)^K</c> in the log of the bid.</summary>
    public double Elasticity(double bid) => Bidders * NormalDistribution.PdfOverCdf(Z(bid)) / Sigma;

    private double Z(double bid) => (Math.Log(bid) - Math.Log(PerBidderMedianCpm)) / Sigma;
}
