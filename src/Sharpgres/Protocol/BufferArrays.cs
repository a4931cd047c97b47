using System.Buffers;

namespace Sharpgres.Protocol;

/// <summary>
/// The arrays behind the session's read and write buffers: pooled up to 1 MB (every ordinary message), allocated
/// outright above that and left to the GC once the big message is consumed. ArrayPool.Shared would otherwise keep a
/// 100 MB row's 128-256 MB arrays cached for the life of the process.
/// </summary>
internal static class BufferArrays
{
    public const int PooledLimit = 1024 * 1024;

    public static byte[] Rent(int size) =>
        size <= PooledLimit ? ArrayPool<byte>.Shared.Rent(size) : GC.AllocateUninitializedArray<byte>(size);

    public static void Return(byte[] array)
    {
        if (array.Length is > 0 and <= PooledLimit) ArrayPool<byte>.Shared.Return(array);
    }
}
