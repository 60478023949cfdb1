/**
 * The reactor's insides; not exported. A stream connection is a stack of layers, one file each,
 * each importing only those below it:
 *
 * <pre>
 *   StreamConnection   the Connection a handler sees: the thread rule, writes into the transport
 *   ConnectionDriver   the ConnectionState and every transition, the read loop (ReadLoop) and
 *                      when to read (ReadInterest), the handler's callbacks through the loop's
 *                      HandlerInvoker
 *   Transport          plaintext both ways: PlainTransport, or TlsTransport (TlsHandshake,
 *                      TlsInbound, TlsBacklog) decorating the same two layers below
 *   OutboundBuffer     what waits to be sent (OutboundQueue), water marks and the one
 *                      writability flag, off-loop copies, held bytes, the loop's SendBudget
 *   SocketEndpoint     the socket and its selection key: read, write, half-close, close, reset
 * </pre>
 *
 * <p>The loop itself is {@link io.nioreactor.core.internal.LoopCore}, with what it lends its
 * channels in {@link io.nioreactor.core.internal.LoopResources} and how long it may wait in
 * {@link io.nioreactor.core.internal.SelectTimeout}. A UDP endpoint is a
 * {@link io.nioreactor.core.internal.UdpChannel}, made by {@link io.nioreactor.core.internal.UdpBinding}.
 */
package io.nioreactor.core.internal;
