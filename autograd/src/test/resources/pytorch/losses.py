# Prints the torch 2.13 float64 numbers LossOptionsTest checks: F.cross_entropy with its options
# (weight, ignore_index, label_smoothing, reduction, class axis 1 of [N, C, d1]) and the
# regression losses (l1, smooth_l1, huber, mse, bce, bce-with-logits with pos_weight), each
# value and the gradient of its sum over the inputs. Run: python losses.py
import torch
import torch.nn.functional as F
torch.set_default_dtype(torch.float64)

def grid(shape, a, m=11):
    n = 1
    for d in shape: n *= d
    return torch.tensor([(((i * a) % m) - m // 2) / 4.0 for i in range(n)]).reshape(shape)

def show(name, f, *xs):
    xs = [x.clone().requires_grad_(True) for x in xs]
    y = f(*xs)
    y.sum().backward()
    print(name, "value", [repr(v) for v in y.flatten().tolist()])
    print(name, "grad", [repr(v) for v in xs[0].grad.flatten().tolist()])

x = grid((5, 3), 7)
y = torch.tensor([2, 0, 1, 1, 2])
w = torch.tensor([0.5, 2.0, 1.5])
for red in ("mean", "sum", "none"):
    show("ce_w_" + red, lambda x: F.cross_entropy(x, y, weight=w, reduction=red), x)
    show("ce_ign_" + red, lambda x: F.cross_entropy(x, torch.tensor([2, -100, 1, -100, 2]),
         ignore_index=-100, reduction=red), x)
    show("ce_all_" + red, lambda x: F.cross_entropy(x, torch.tensor([2, 1, 1, 0, 2]), weight=w,
         ignore_index=1, label_smoothing=0.2, reduction=red), x)
show("ce_smooth_mean", lambda x: F.cross_entropy(x, y, label_smoothing=0.1), x)
seg = grid((2, 3, 2, 2), 5)
segy = torch.tensor([[[0, 2], [1, 1]], [[2, 0], [0, 1]]])
show("ce_seg_mean", lambda x: F.cross_entropy(x, segy, weight=w), seg)
show("ce_seg_none", lambda x: F.cross_entropy(x, segy, reduction="none"), seg)

p = torch.tensor([0.0, 0.5, -2.0, 1.0, 3.0, -0.25])
t = torch.tensor([0.0, 0.0, 0.0, 0.0, 0.5, 0.75])
for red in ("mean", "sum", "none"):
    show("l1_" + red, lambda p: F.l1_loss(p, t, reduction=red), p)
    show("smoothl1_" + red, lambda p: F.smooth_l1_loss(p, t, reduction=red, beta=1.0), p)
    show("huber_" + red, lambda p: F.huber_loss(p, t, reduction=red, delta=1.0), p)
    show("mse_" + red, lambda p: F.mse_loss(p, t, reduction=red), p)
show("smoothl1_b05_mean", lambda p: F.smooth_l1_loss(p, t, beta=0.5), p)
show("smoothl1_b0_mean", lambda p: F.smooth_l1_loss(p, t, beta=0.0), p)
show("huber_d2_mean", lambda p: F.huber_loss(p, t, delta=2.5), p)
prob = torch.tensor([0.1, 0.5, 0.9, 0.3, 0.7, 0.05])
bt = torch.tensor([0.0, 1.0, 1.0, 0.0, 0.5, 1.0])
lg = grid((2, 3), 7)
pw = torch.tensor([2.0, 0.5, 3.0])
bt2 = bt.reshape(2, 3)
for red in ("sum", "none"):
    show("bce_" + red, lambda q: F.binary_cross_entropy(q, bt, reduction=red), prob)
    show("bcel_" + red, lambda q: F.binary_cross_entropy_with_logits(q, bt2, reduction=red), lg)
for red in ("mean", "sum", "none"):
    show("bcelpw_" + red, lambda q: F.binary_cross_entropy_with_logits(q, bt2, reduction=red,
         pos_weight=pw), lg)
