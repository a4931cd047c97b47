namespace Sharpgres.Pool;

/// <summary>
/// A caller waiting for a connection: its own TaskCompletionSource, which a returning connection completes. An async
/// caller awaits it; a sync caller blocks on its own entry with its timeout; nobody polls, nothing else blocks.
/// Continuations run asynchronously so the thread handing over a connection (under the pool's lock) never runs the
/// waiter's code.
/// </summary>
internal sealed class Waiter() : TaskCompletionSource<PooledSession>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    public Waiter? Previous;
    public Waiter? Next;
    public bool Queued;
}

/// <summary>
/// The FIFO queue of waiters (first come, first served, sync and async callers alike): an intrusive doubly linked list,
/// so a waiter that times out or is cancelled leaves from the middle in O(1). Guarded by the pool's lock.
/// </summary>
internal sealed class WaitQueue
{
    private Waiter? _head;
    private Waiter? _tail;

    public int Count { get; private set; }

    public void Enqueue(Waiter waiter)
    {
        waiter.Previous = _tail;
        waiter.Next = null;
        if (_tail is null) _head = waiter; else _tail.Next = waiter;
        _tail = waiter;
        waiter.Queued = true;
        Count++;
    }

    public Waiter? Dequeue()
    {
        var waiter = _head;
        if (waiter is not null) Remove(waiter);
        return waiter;
    }

    public void Remove(Waiter waiter)
    {
        if (!waiter.Queued) return;
        if (waiter.Previous is null) _head = waiter.Next; else waiter.Previous.Next = waiter.Next;
        if (waiter.Next is null) _tail = waiter.Previous; else waiter.Next.Previous = waiter.Previous;
        waiter.Previous = waiter.Next = null;
        waiter.Queued = false;
        Count--;
    }
}
