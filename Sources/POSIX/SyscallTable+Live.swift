#if canImport(Glibc)
import Glibc
#endif
import CLinux

extension SyscallTable {
    /// The real system calls.
    ///
    /// Each closure makes one raw call and, in the same expression, turns −1 into the `Errno` read
    /// from the thread: `checked(…)` is inlined and reads `errno` before anything else runs. Path
    /// arguments are converted inside `withCString`, so the C string's buffer (if one was made) is
    /// freed only after the reason has been captured.
    package static let live = SyscallTable(
        open: { path, flags, mode in
            path.withCString { cPath in checked(Glibc.open(cPath, flags, mode_t(mode))) }
        },
        close: { fd in checkedVoid(Glibc.close(fd)) },
        pread: { fd, buffer, offset in checked(Glibc.pread(fd, buffer.baseAddress, buffer.count, off_t(offset))) },
        pwrite: { fd, buffer, offset in checked(Glibc.pwrite(fd, buffer.baseAddress, buffer.count, off_t(offset))) },
        fdatasync: { fd in checkedVoid(Glibc.fdatasync(fd)) },
        fsync: { fd in checkedVoid(Glibc.fsync(fd)) },
        ftruncate: { fd, length in checkedVoid(Glibc.ftruncate(fd, off_t(length))) },
        fstat: { fd in
            var info = stat()
            let result = Glibc.fstat(fd, &info)
            return result == -1 ? .failure(.current) : .success(info)
        },
        flock: { fd, operation in checkedVoid(lockFile(fd, operation)) },
        rename: { from, to in
            from.withCString { cFrom in to.withCString { cTo in checkedVoid(Glibc.rename(cFrom, cTo)) } }
        },
        mkdir: { path, mode in
            path.withCString { cPath in checkedVoid(Glibc.mkdir(cPath, mode_t(mode))) }
        },
        unlink: { path in
            path.withCString { cPath in checkedVoid(Glibc.unlink(cPath)) }
        },
        rmdir: { path in
            path.withCString { cPath in checkedVoid(Glibc.rmdir(cPath)) }
        },
        listDirectory: { path in
            let opened: Result<OpaquePointer, Errno> = path.withCString { cPath in
                guard let directory = opendir(cPath) else { return .failure(.current) }
                return .success(directory)
            }
            guard case .success(let directory) = opened else { return opened.map { _ in [] } }
            var names: [String] = []
            while true {
                // readdir returns nil both at the end and on failure; only errno tells them apart,
                // so it is cleared right before each call (appending names may have set it).
                Glibc.errno = 0
                guard let entry = readdir(directory) else {
                    let code = Errno.current
                    closedir(directory)
                    return code.rawValue == 0 ? .success(names) : .failure(code)
                }
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name != "." && name != ".." { names.append(name) }
            }
        },
        read: { fd, buffer in checked(Glibc.read(fd, buffer.baseAddress, buffer.count)) },
        write: { fd, buffer in checked(Glibc.write(fd, buffer.baseAddress, buffer.count)) },
        writev: { fd, vectors in checked(Glibc.writev(fd, vectors.baseAddress, Int32(vectors.count))) },
        send: { fd, buffer, flags in checked(Glibc.send(fd, buffer.baseAddress, buffer.count, flags)) },
        sendmsg: { fd, vectors, flags in
            var message = msghdr()
            message.msg_iov = UnsafeMutablePointer(mutating: vectors.baseAddress)
            message.msg_iovlen = vectors.count
            return checked(Glibc.sendmsg(fd, &message, flags))
        },
        pipe2: { flags in
            var ends: [Int32] = [-1, -1]
            let result = ends.withUnsafeMutableBufferPointer { pair in checkedVoid(CLinux.pipe2(pair.baseAddress, flags)) }
            return result.map { (ends[0], ends[1]) }
        },
        socket: { domain, type, proto in checked(Glibc.socket(domain, type, proto)) },
        setsockopt: { fd, level, name, value in
            checkedVoid(Glibc.setsockopt(fd, level, name, value.baseAddress, socklen_t(value.count)))
        },
        bind: { fd, address, length in checkedVoid(Glibc.bind(fd, address, length)) },
        connect: { fd, address, length in checkedVoid(Glibc.connect(fd, address, length)) },
        listen: { fd, backlog in checkedVoid(Glibc.listen(fd, backlog)) },
        accept4: { fd, address, length, flags in checked(CLinux.accept4(fd, address, length, flags)) },
        getsockname: { fd, address, length in checkedVoid(Glibc.getsockname(fd, address, length)) },
        shutdown: { fd, how in checkedVoid(Glibc.shutdown(fd, how)) },
        epollCreate1: { flags in checked(CLinux.epoll_create1(flags)) },
        epollCtl: { epoll, operation, fd, event in checkedVoid(CLinux.epoll_ctl(epoll, operation, fd, event)) },
        epollWait: { epoll, events, timeout in
            checked(Int(CLinux.epoll_wait(epoll, events.baseAddress, Int32(events.count), timeout)))
        },
        poll: { descriptors, timeout in
            checked(Glibc.poll(descriptors.baseAddress, nfds_t(descriptors.count), timeout)).map { Int($0) }
        },
        eventfd: { initialValue, flags in checked(CLinux.eventfd(initialValue, flags)) },
        inotifyInit1: { flags in checked(Glibc.inotify_init1(flags)) },
        inotifyAddWatch: { fd, path, mask in
            path.withCString { cPath in checked(Glibc.inotify_add_watch(fd, cPath, mask)) }
        },
        inotifyRemoveWatch: { fd, watch in checkedVoid(Glibc.inotify_rm_watch(fd, watch)) },
        getpid: { Glibc.getpid() },
        kill: { pid, signal in checkedVoid(Glibc.kill(pid, signal)) },
        clockGettime: { clock in
            var time = timespec()
            let result = Glibc.clock_gettime(clock, &time)
            return result == -1 ? .failure(.current) : .success(time)
        },
        getrlimit: { resource in
            var limits = rlimit()
            let result = Glibc.getrlimit(__rlimit_resource_t(UInt32(resource)), &limits)
            return result == -1 ? .failure(.current) : .success(limits)
        }
    )
}

/// `flock(2)`: Glibc names both a struct and a function `flock`; the return type picks the function.
@inline(__always)
private func lockFile(_ fd: Int32, _ operation: Int32) -> Int32 {
    flock(fd, operation)
}

/// `value`, or the thread's errno if `value` is −1 — read before anything else runs.
@inline(__always)
private func checked<Value: FixedWidthInteger>(_ value: Value) -> Result<Value, Errno> {
    value == -1 ? .failure(.current) : .success(value)
}

/// Success, or the thread's errno if `value` is −1 — read before anything else runs.
@inline(__always)
private func checkedVoid(_ value: Int32) -> Result<Void, Errno> {
    value == -1 ? .failure(.current) : .success(())
}
