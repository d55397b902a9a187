# Prints the torch 2.13 float64 numbers AutogradGradTest checks: a Hessian-vector product
# of a two-layer net and a gradient penalty, for the inputs grid() builds in both.
import torch
torch.set_default_dtype(torch.float64)
def grid(r,c,a,b,m=11):
    return torch.tensor([[(((i*a+j*b)%m)-m//2)/10.0 for j in range(c)] for i in range(r)])
x=grid(3,4,7,3); W1=grid(4,5,5,2); b1=torch.tensor([0.1,-0.2,0.05,0.3,-0.1]); W2=grid(5,3,3,4,7)
labels=torch.tensor([2,0,1])
for t in (W1,b1,W2): t.requires_grad_(True)
loss=torch.nn.functional.cross_entropy(torch.tanh(x@W1+b1)@W2, labels)
g=torch.autograd.grad(loss,[W1,W2],create_graph=True)
v1=grid(4,5,2,3,5); v2=grid(5,3,1,2,5)
hv=torch.autograd.grad((g[0]*v1).sum()+(g[1]*v2).sum(),[W1,W2])
print("loss", repr(loss.item()))
print("hv1", [repr(a) for a in hv[0].flatten().tolist()])
print("hv2", [repr(a) for a in hv[1].flatten().tolist()])
# gradient penalty
xx=x.clone().requires_grad_(True)
d=torch.tanh(xx@W1+b1).sum()
gx,=torch.autograd.grad(d,[xx],create_graph=True)
pen=((gx.square().sum(1).sqrt()-1)**2).mean()
pen.backward()
print("pen", repr(pen.item()))
print("W1grad", [repr(a) for a in W1.grad.flatten().tolist()])
print("b1grad", [repr(a) for a in b1.grad.flatten().tolist()])
