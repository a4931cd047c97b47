using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Sharpgres.Pool;
using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Tests;

/// <summary>
/// LISTEN/NOTIFY as psycopg 3.2's <c>notifies()</c> and notify handlers (psycopg tests/test_notify.py), on the real
/// server: what arrives, when the loop ends, what is kept between loops, transactions, dead connections, volume.
/// </summary>
public class NotifyTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    private Connection Listener(string channel)
    {
        var conn = db.Connect(autocommit: true);
        conn.Execute($"LISTEN {channel}");
        return conn;
    }

    [Fact]
    public void Notifies_yields_channel_payload_and_the_sender_pid()
    {
        using var listener = Listener("chan_basic");
        using var sender = db.Connect(autocommit: true);
        sender.Execute("NOTIFY chan_basic, 'hello'");
        sender.Execute("NOTIFY chan_basic");
        var got = listener.Notifies(timeout: Long, stopAfter: 2).ToList();
        Assert.Equal([new Notify("chan_basic", "hello", sender.Info.BackendPid), new Notify("chan_basic", "", sender.Info.BackendPid)], got);
    }

    [Fact]
    public async Task NotifiesAsync_yields_notifications_as_they_arrive()
    {
        await using var listener = await db.ConnectAsync(autocommit: true);
        await listener.ExecuteAsync("LISTEN chan_async");
        var got = new List<Notify>();
        var loop = Task.Run(async () =>
        {
            await foreach (var n in listener.NotifiesAsync(timeout: Long, stopAfter: 3)) got.Add(n);
        });
        await using var sender = await db.ConnectAsync(autocommit: true);
        for (var i = 0; i < 3; i++) await sender.ExecuteAsync("SELECT pg_notify('chan_async', %s)", [i.ToString()]);
        await loop.WaitAsync(Long);
        Assert.Equal(["0", "1", "2"], got.Select(n => n.Payload));
    }

    [Fact]
    public async Task Notifies_timeout_ends_the_loop_that_long_after_it_started_sync_and_async()
    {
        using var listener = Listener("chan_timeout");
        var watch = Stopwatch.StartNew();
        Assert.Empty(listener.Notifies(timeout: TimeSpan.FromMilliseconds(300)));
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(280), TimeSpan.FromSeconds(10));
        watch.Restart();
        await foreach (var _ in listener.NotifiesAsync(timeout: TimeSpan.FromMilliseconds(300))) Assert.Fail("nothing was sent");
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(280), TimeSpan.FromSeconds(10));
        // The connection is still usable after a loop that timed out.
        Assert.Equal(1, listener.Execute("SELECT 1").FetchOne()![0]);
    }

    [Fact]
    public void Notifies_timeout_zero_still_looks_once()
    {
        using var listener = Listener("chan_zero");
        using var sender = db.Connect(autocommit: true);
        sender.Execute("NOTIFY chan_zero, 'there'");
        // The server pushes the notification to the idle listener: wait (bounded) until it is in the socket.
        Db.WaitUntil(() => listener.Session.HasUnreadInput);
        Assert.Equal(["there"], listener.Notifies(timeout: TimeSpan.Zero).Select(n => n.Payload));
    }

    [Fact]
    public void Notifies_stop_after_ends_after_that_many_and_keeps_the_rest_for_the_next_loop()
    {
        using var listener = Listener("chan_stop");
        using var sender = db.Connect(autocommit: true);
        sender.Execute("SELECT pg_notify('chan_stop', g::text) FROM generate_series(1, 5) g");
        Assert.Equal(["1", "2"], listener.Notifies(timeout: Long, stopAfter: 2).Select(n => n.Payload));
        Assert.Equal(["3", "4", "5"], listener.Notifies(timeout: Long, stopAfter: 3).Select(n => n.Payload));
    }

    // psycopg #962 / #756: notifications read while the connection runs other statements are not lost.
    [Fact]
    public void Notifications_received_during_other_statements_are_kept_for_the_next_loop()
    {
        using var conn = Listener("chan_backlog");
        // A session notifying a channel it listens on gets the notification in the same exchange, before ReadyForQuery.
        conn.Execute("NOTIFY chan_backlog, 'first'");
        conn.Execute("SELECT 1");
        conn.Execute("NOTIFY chan_backlog, 'second'");
        Assert.Equal(["first", "second"], conn.Notifies(timeout: TimeSpan.Zero).Select(n => n.Payload));
        // A loop left early keeps what it didn't yield; statements run between two items of one loop.
        conn.Execute("SELECT pg_notify('chan_backlog', g::text) FROM generate_series(1, 3) g");
        var seen = new List<string>();
        foreach (var n in conn.Notifies(timeout: Long))
        {
            seen.Add(n.Payload);
            Assert.Equal(2, conn.Execute("SELECT 2").FetchOne()![0]);
            if (seen.Count == 1) break;
        }
        Assert.Equal(["1", "2", "3"], seen.Concat(conn.Notifies(timeout: TimeSpan.Zero).Select(n => n.Payload)));
    }

    [Fact]
    public void Backlog_overflow_drops_the_oldest_with_one_warning()
    {
        using var conn = Listener("chan_overflow");
        var log = new ListLogger();
        conn.Session.NotificationsLogger = log;
        conn.Session.Backlog.Limit = 5;
        conn.Execute("SELECT pg_notify('chan_overflow', g::text) FROM generate_series(1, 12) g");
        Assert.Equal(["8", "9", "10", "11", "12"], conn.Notifies(timeout: TimeSpan.Zero).Select(n => n.Payload));
        Assert.Single(log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("oldest are being dropped"));
        Assert.Equal(7, conn.Session.Backlog.Dropped);
    }

    [Fact]
    public void Notify_handlers_run_for_each_notification_whichever_call_reads_it()
    {
        using var conn = Listener("chan_handler");
        var handled = new List<string>();
        var evented = new List<string>();
        Action<Notify> handler = n => handled.Add(n.Payload);
        EventHandler<Notify> onEvent = (sender, n) => { Assert.Same(conn, sender); evented.Add(n.Payload); };
        conn.AddNotifyHandler(handler);
        conn.AddNotifyHandler(_ => throw new InvalidOperationException("a failing handler is logged, not raised"));
        conn.Notification += onEvent;
        conn.Execute("NOTIFY chan_handler, 'by execute'");
        Assert.Equal(["by execute"], handled);
        Assert.Equal(["by execute"], evented);
        // Served by handlers: not kept for a loop as well.
        Assert.Empty(conn.Notifies(timeout: TimeSpan.Zero));

        using var sender = db.Connect(autocommit: true);
        sender.Execute("NOTIFY chan_handler, 'by loop'");
        Assert.Equal(["by loop"], conn.Notifies(timeout: Long, stopAfter: 1).Select(n => n.Payload));
        Assert.Equal(["by execute", "by loop"], handled);

        conn.RemoveNotifyHandler(handler);
        conn.Notification -= onEvent;
        conn.Execute("NOTIFY chan_handler, 'after removal'");
        Assert.Equal(2, handled.Count);
        Assert.Equal(2, evented.Count);
        Assert.Throws<ArgumentException>(() => conn.RemoveNotifyHandler(handler));
    }

    [Fact]
    public void Notifications_sent_in_a_transaction_arrive_after_commit_and_never_after_rollback()
    {
        using var listener = Listener("chan_tx");
        using var sender = db.Connect();
        sender.Execute("NOTIFY chan_tx, 'rolled back'");
        Assert.Empty(listener.Notifies(timeout: TimeSpan.FromMilliseconds(200)));
        sender.Rollback();
        sender.Execute("NOTIFY chan_tx, 'committed'");
        Assert.Empty(listener.Notifies(timeout: TimeSpan.FromMilliseconds(200)));
        sender.Commit();
        Assert.Equal(["committed"], listener.Notifies(timeout: Long, stopAfter: 1).Select(n => n.Payload));
        Assert.Empty(listener.Notifies(timeout: TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task A_loop_on_a_connection_that_dies_ends_with_OperationalError_sync_and_async()
    {
        using var admin = db.Connect(autocommit: true);
        using var listener = Listener("chan_dies");
        var sync = Task.Run(() => listener.Notifies().ToList());
        Db.WaitUntil(() => listener.Session.IsBusy);
        admin.Execute("SELECT pg_terminate_backend(%s)", listener.Info.BackendPid);
        var error = await Assert.ThrowsAnyAsync<OperationalError>(() => sync.WaitAsync(Long));
        Assert.True(listener.Broken || listener.Closed, error.Message);

        await using var alistener = await db.ConnectAsync(autocommit: true);
        await alistener.ExecuteAsync("LISTEN chan_dies");
        var loop = Task.Run(async () => { await foreach (var _ in alistener.NotifiesAsync()) { } });
        Db.WaitUntil(() => alistener.Session.IsBusy);
        admin.Execute("SELECT pg_terminate_backend(%s)", alistener.Info.BackendPid);
        await Assert.ThrowsAnyAsync<OperationalError>(() => loop.WaitAsync(Long));
    }

    [Fact]
    public async Task The_token_ends_an_async_loop_and_the_connection_stays_usable()
    {
        await using var listener = await db.ConnectAsync(autocommit: true);
        await listener.ExecuteAsync("LISTEN chan_token");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in listener.NotifiesAsync(cancellationToken: cts.Token)) { }
        });
        await using var sender = await db.ConnectAsync(autocommit: true);
        await sender.ExecuteAsync("NOTIFY chan_token, 'still listening'");
        var got = new List<string>();
        await foreach (var n in listener.NotifiesAsync(timeout: Long, stopAfter: 1)) got.Add(n.Payload);
        Assert.Equal(["still listening"], got);
    }

    [Fact]
    public void Ten_thousand_notifications_arrive_in_order_none_missing()
    {
        using var listener = Listener("chan_many");
        using var sender = db.Connect(autocommit: true);
        sender.Execute("SELECT pg_notify('chan_many', g::text) FROM generate_series(1, 10000) g");
        var payloads = listener.Notifies(timeout: TimeSpan.FromSeconds(60), stopAfter: 10000).Select(n => int.Parse(n.Payload)).ToList();
        Assert.Equal(Enumerable.Range(1, 10000), payloads);
    }

    [Fact]
    public async Task A_hundred_listeners_on_one_channel_each_receive_the_notification()
    {
        var listeners = new List<Connection>();
        try
        {
            for (var i = 0; i < 100; i++)
            {
                var conn = await db.ConnectAsync(autocommit: true);
                listeners.Add(conn);
                await conn.ExecuteAsync("LISTEN chan_crowd");
            }
            await using var sender = await db.ConnectAsync(autocommit: true);
            await sender.ExecuteAsync("NOTIFY chan_crowd, 'all of you'");
            var received = await Task.WhenAll(listeners.Select(async conn =>
            {
                await foreach (var n in conn.NotifiesAsync(timeout: Long, stopAfter: 1)) return n.Payload;
                return null;
            }));
            Assert.All(received, p => Assert.Equal("all of you", p));
        }
        finally
        {
            foreach (var conn in listeners) await conn.DisposeAsync();
        }
    }

    [Fact]
    public void A_pooled_connection_keeps_notifications_read_while_it_sat_idle()
    {
        using var pool = new ConnectionPool(db.ConnString, minSize: 1, maxSize: 1, autocommit: true);
        int pid;
        using (var conn = pool.Connection())
        {
            conn.Execute("LISTEN chan_pooled");
            pid = conn.Info.BackendPid;
        }
        using var sender = db.Connect(autocommit: true);
        sender.Execute("NOTIFY chan_pooled, 'while idle'");
        using (var conn = pool.Connection())
        {
            Assert.Equal(pid, conn.Info.BackendPid);
            Assert.Equal(["while idle"], conn.Notifies(timeout: Long, stopAfter: 1).Select(n => n.Payload));
        }
    }

    // arrived: the half record is in the socket before the loop starts (the loop's first look at what the server sent
    // read it unbounded, and hung there: the async case hit its 10 s bound in a fresh-clone CI run, where the loop
    // started later), or arrives while the loop waits.
    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task A_TLS_record_that_stalls_half_way_ends_the_loop_at_its_timeout_and_marks_the_connection_broken(bool async, bool arrived)
    {
        // The wait said "readable" (a record began), but the read after it needs the rest of the record: the loop's
        // timeout bounds that read too, sync and async (a sync loop over TLS used to outlive its timeout).
        using var tap = new WireTap(db.ConnString, tls: true);
        using var listener = Pg.Connect(tap.ConnString, autocommit: true);
        Assert.True(listener.Info.IsSecure);
        listener.Execute("LISTEN chan_tls_stall");
        using var sender = db.Connect(autocommit: true);
        tap.StallNextReplyAfter = 10;   // the record's 5-byte header and 5 bytes of its body
        void Send() => sender.Execute("NOTIFY chan_tls_stall, 'never whole'");
        var sent = Task.CompletedTask;
        if (arrived)
        {
            Send();
            Db.WaitUntil(() => listener.Session.HasUnreadInput);
        }
        else
        {
            sent = Task.Run(async () => { await Task.Delay(200); Send(); });
        }
        var timeout = TimeSpan.FromMilliseconds(800);
        var watch = Stopwatch.StartNew();
        var name = $"a TLS record stalls half way under a Notifies loop ({(async ? "async" : "sync")}, {(arrived ? "there before the loop" : "while it waits")})";
        var e = async
            ? await Scenario.RunAsync(name, TimeSpan.FromSeconds(10), async () =>
                await Assert.ThrowsAsync<OperationalError>(async () => { await foreach (var _ in listener.NotifiesAsync(timeout: timeout)) { } }))
            : Scenario.Run(name, TimeSpan.FromSeconds(10), () => Assert.Throws<OperationalError>(() => listener.Notifies(timeout: timeout).ToList()));
        await sent;
        Assert.InRange(watch.Elapsed, timeout - TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5));
        Assert.Contains("TLS record", e.Message);
        Assert.True(listener.Broken);
        Assert.Throws<OperationalError>(() => listener.Execute("SELECT 1"));
    }

    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries) Entries.Add((logLevel, formatter(state, exception)));
        }
    }
}
