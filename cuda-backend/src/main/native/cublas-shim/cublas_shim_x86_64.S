/*
 * The two shared stubs of the forwarding shim (x86-64 System V). The per-symbol trampolines
 * and stubs are generated into cublas12_trampolines.S.
 */
        .text

/* Entered from lazy stub i with i in %r11d and the caller's arguments untouched: saves every
 * register that can carry an argument (rdi rsi rdx rcx r8 r9, rax = vector count of variadic
 * calls, xmm0-7), resolves the symbol, restores them and jumps to the real function. */
        .globl  jg_lazy_common
        .hidden jg_lazy_common
        .type   jg_lazy_common, @function
        .balign 16
jg_lazy_common:
        push    %rbp
        mov     %rsp, %rbp
        sub     $192, %rsp
        and     $-16, %rsp
        mov     %rdi, 0(%rsp)
        mov     %rsi, 8(%rsp)
        mov     %rdx, 16(%rsp)
        mov     %rcx, 24(%rsp)
        mov     %r8, 32(%rsp)
        mov     %r9, 40(%rsp)
        mov     %rax, 48(%rsp)
        movdqa  %xmm0, 64(%rsp)
        movdqa  %xmm1, 80(%rsp)
        movdqa  %xmm2, 96(%rsp)
        movdqa  %xmm3, 112(%rsp)
        movdqa  %xmm4, 128(%rsp)
        movdqa  %xmm5, 144(%rsp)
        movdqa  %xmm6, 160(%rsp)
        movdqa  %xmm7, 176(%rsp)
        mov     %r11d, %edi
        call    jg_resolve
        mov     %rax, %r11
        mov     0(%rsp), %rdi
        mov     8(%rsp), %rsi
        mov     16(%rsp), %rdx
        mov     24(%rsp), %rcx
        mov     32(%rsp), %r8
        mov     40(%rsp), %r9
        mov     48(%rsp), %rax
        movdqa  64(%rsp), %xmm0
        movdqa  80(%rsp), %xmm1
        movdqa  96(%rsp), %xmm2
        movdqa  112(%rsp), %xmm3
        movdqa  128(%rsp), %xmm4
        movdqa  144(%rsp), %xmm5
        movdqa  160(%rsp), %xmm6
        movdqa  176(%rsp), %xmm7
        mov     %rbp, %rsp
        pop     %rbp
        jmp     *%r11
        .size   jg_lazy_common, .-jg_lazy_common

        .section .note.GNU-stack,"",@progbits
