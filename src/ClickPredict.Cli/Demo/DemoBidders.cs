namespace ClickPredict.Cli.Demo;

/// <summary>
/// The simulated exchange's load balancer: a client per bidder slot, spreading requests over the bidders
/// that are up (round robin) and sending notices to any of them. A slot taken down gets no new calls, and
/// <see cref="DrainAsync"/> waits for the calls it already has, so stopping a bidder fails no auction.
/// </summary>
internal sealed class DemoBidders : IDisposable
{
    private readonly object _gate = new();
    private readonly HttpClient[] _clients;
    private readonly bool[] _up;
    private readonly int[] _inFlight;
    private readonly Random _random;
    private int _next;

    public DemoBidders(IReadOnlyList<HttpClient> clients, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfZero(clients.Count);
        _clients = [.. clients];
        _up = [.. clients.Select(_ => true)];
        _inFlight = new int[clients.Count];
        _random = new Random(seed);
    }

    public int Count => _clients.Length;

    /// <summary>The next bidder up in turn, for a bid request; null when none is up.</summary>
    public Lease? Next()
    {
        lock (_gate)
        {
            for (var tried = 0; tried < _clients.Length; tried++)
            {
                var slot = _next++ % _clients.Length;
                if (_up[slot])
                {
                    return Take(slot);
                }
            }

            return null;
        }
    }

    /// <summary>A bidder up at random, other than <paramref name="except"/> when another is up (a notice, a replay); null when none is up.</summary>
    public Lease? Any(int except = -1)
    {
        lock (_gate)
        {
            var candidates = Enumerable.Range(0, _clients.Length).Where(s => _up[s] && s != except).ToList();
            if (candidates.Count == 0 && except >= 0 && _up[except])
            {
                candidates.Add(except);
            }

            return candidates.Count == 0 ? null : Take(candidates[_random.Next(candidates.Count)]);
        }
    }

    /// <summary>No new calls go to <paramref name="slot"/>.</summary>
    public void Down(int slot)
    {
        lock (_gate)
        {
            _up[slot] = false;
        }
    }

    /// <summary>Calls go to <paramref name="slot"/> again, through <paramref name="client"/> (a new one: the old pool's connections went with the old process).</summary>
    public void Up(int slot, HttpClient client)
    {
        HttpClient old;
        lock (_gate)
        {
            old = _clients[slot];
            _clients[slot] = client;
            _up[slot] = true;
        }

        if (!ReferenceEquals(old, client))
        {
            old.Dispose();
        }
    }

    /// <summary>The client of <paramref name="slot"/>, up or not (for status polls).</summary>
    public HttpClient Client(int slot)
    {
        lock (_gate)
        {
            return _clients[slot];
        }
    }

    /// <summary>Waits until the calls <paramref name="slot"/> had when it was taken down have ended.</summary>
    public async Task DrainAsync(int slot, CancellationToken cancellationToken)
    {
        while (Volatile.Read(ref _inFlight[slot]) > 0)
        {
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }

    private Lease Take(int slot)
    {
        Interlocked.Increment(ref _inFlight[slot]);
        return new Lease(this, slot, _clients[slot]);
    }

    private void Release(int slot) => Interlocked.Decrement(ref _inFlight[slot]);

    /// <summary>One call to one bidder; disposing it ends the call.</summary>
    internal sealed class Lease(DemoBidders owner, int slot, HttpClient client) : IDisposable
    {
        private int _released;

        public int Slot { get; } = slot;

        public HttpClient Client { get; } = client;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(Slot);
            }
        }
    }
}
