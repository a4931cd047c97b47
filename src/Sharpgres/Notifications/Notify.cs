namespace Sharpgres;

/// <summary>
/// A notification sent by <c>NOTIFY channel, 'payload'</c> (or <c>pg_notify</c>) to a channel this connection LISTENs
/// on, as psycopg's <c>Notify</c>: the channel, the payload ("" when none was given) and the pid of the sending backend.
/// </summary>
/// <param name="Channel">The channel the notification was sent to.</param>
/// <param name="Payload">The payload string; empty when the sender gave none.</param>
/// <param name="Pid">The process id of the server backend that sent it (its <c>pg_backend_pid()</c>).</param>
public sealed record Notify(string Channel, string Payload, int Pid);
